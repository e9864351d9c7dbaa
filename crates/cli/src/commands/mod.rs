//! One module per subcommand.

mod check;
mod demo;
mod explain;
mod list;

use crate::args::Command;

pub async fn dispatch(command: Command) -> i32 {
    match command {
        Command::Check(args) => check::run(args).await,
        Command::Checks => list::run(),
        Command::Explain { id } => explain::run(&id),
        Command::Demo(args) => demo::run(args).await,
    }
}
