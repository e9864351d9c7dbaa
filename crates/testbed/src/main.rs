//! `preflight-testbed`: run the testbed as its own process (used by the desktop app's e2e
//! tests). Prints exactly one line, `READY <base_url>`, once listening, then serves until
//! SIGTERM or SIGINT.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use preflight_testbed::quirks::QUIRK_NAMES;
use preflight_testbed::{HostileMode, HostileServer, Quirks, StaticToken, Testbed, TestbedConfig};

const USAGE: &str = "\
usage: preflight-testbed [--port P] [--bind ADDR] [--quirks a,b,slow=200] [--token T]...
                         [--base-path /scim/v2] [--seed-users N] [--allow-non-loopback]
                         [--list-quirks] [--hostile MODE] [--list-hostile]

  --port P               port to listen on (default 0: any free port)
  --bind ADDR            address to bind (default 127.0.0.1); non-loopback needs
                         --allow-non-loopback
  --quirks LIST          comma-separated quirks to start with (switch later via
                         PUT /_testbed/quirks)
  --token T              accept bearer token T with scim.read and scim.write; may repeat;
                         replaces the default token \"demo-token\"
  --base-path PATH       SCIM base path (default /scim/v2)
  --seed-users N         users to seed (default 3)
  --list-quirks          print the quirk names and exit
  --vendor NAME          configure like a known SCIM target: generic, stackit, axonflow,
                         airia (quirks added to --quirks; --token still wins)
  --hostile MODE         serve through a raw-TCP front that misbehaves (see
                         --list-hostile); the testbed behind it takes the other flags
  --list-hostile         print the hostile modes (name, expected diagnosis, what it does)
";

struct Args {
    cfg: TestbedConfig,
    allow_non_loopback: bool,
    hostile: Option<HostileMode>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut cfg = TestbedConfig::default();
    let mut port: u16 = 0;
    let mut ip: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut tokens: Vec<StaticToken> = Vec::new();
    let mut allow_non_loopback = false;
    let mut vendor: Option<String> = None;
    let mut hostile = None;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            "--list-quirks" => {
                for name in QUIRK_NAMES {
                    println!("{name}");
                }
                return Ok(None);
            }
            "--list-hostile" => {
                for mode in HostileMode::ALL {
                    println!(
                        "{}\t{}\t{}",
                        mode.name(),
                        mode.expected_diagnosis(),
                        mode.describe()
                    );
                }
                return Ok(None);
            }
            "--hostile" => {
                let v = value("--hostile")?;
                hostile =
                    Some(HostileMode::parse(&v).ok_or_else(|| {
                        format!("unknown hostile mode '{v}' (see --list-hostile)")
                    })?);
            }
            "--port" => {
                let v = value("--port")?;
                port = v.parse().map_err(|_| format!("invalid port '{v}'"))?;
            }
            "--bind" => {
                let v = value("--bind")?;
                ip = if v.eq_ignore_ascii_case("localhost") {
                    IpAddr::V4(Ipv4Addr::LOCALHOST)
                } else {
                    v.trim_matches(|c| c == '[' || c == ']')
                        .parse()
                        .map_err(|_| format!("invalid bind address '{v}'"))?
                };
            }
            "--quirks" => {
                let v = value("--quirks")?;
                cfg.quirks = Quirks::parse(&v).map_err(|e| e.to_string())?;
            }
            "--token" => {
                let v = value("--token")?;
                if v.is_empty() || v.chars().any(char::is_whitespace) {
                    return Err("--token must be non-empty and contain no whitespace".into());
                }
                tokens.push(StaticToken::read_write(v));
            }
            "--base-path" => cfg.base_path = value("--base-path")?,
            "--seed-users" => {
                let v = value("--seed-users")?;
                cfg.seed_users = v
                    .parse()
                    .map_err(|_| format!("invalid --seed-users '{v}'"))?;
            }
            "--allow-non-loopback" => allow_non_loopback = true,
            "--vendor" => vendor = Some(value("--vendor")?),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    if let Some(name) = &vendor {
        preflight_testbed::vendor_presets::apply(name, &mut cfg)?;
    }
    if !tokens.is_empty() {
        cfg.tokens = tokens;
    }
    cfg.bind = SocketAddr::new(ip, port);
    Ok(Some(Args {
        cfg,
        allow_non_loopback,
        hostile,
    }))
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("preflight-testbed: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if !args.cfg.bind.ip().is_loopback() && !args.allow_non_loopback {
        eprintln!(
            "preflight-testbed: refusing to bind {} (not loopback); pass --allow-non-loopback if you mean it",
            args.cfg.bind.ip()
        );
        return ExitCode::from(2);
    }
    if let Some(mode) = args.hostile {
        return serve_hostile(mode, args.cfg.bind).await;
    }
    let testbed = match Testbed::start(args.cfg).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!("preflight-testbed: cannot listen: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "READY {}", testbed.base_url());
    let _ = out.flush();
    drop(out);
    wait_for_signal().await;
    testbed.shutdown().await;
    ExitCode::SUCCESS
}

/// `--hostile`: the raw-TCP front with its own testbed behind it, until a signal.
async fn serve_hostile(mode: HostileMode, bind: SocketAddr) -> ExitCode {
    let server = match HostileServer::start(mode, bind).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("preflight-testbed: cannot listen: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "READY {}", server.base_url());
    let _ = out.flush();
    drop(out);
    wait_for_signal().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags() {
        let a = parse(&[
            "--port",
            "8080",
            "--quirks=auth-off,slow=5",
            "--token",
            "t1",
            "--token",
            "t2",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(a.cfg.bind.port(), 8080);
        assert!(a.cfg.bind.ip().is_loopback());
        assert_eq!(a.cfg.quirks.to_string(), "auth-off,slow=5");
        assert_eq!(a.cfg.tokens.len(), 2);
        assert!(!a.allow_non_loopback);
        let b = parse(&["--bind", "0.0.0.0", "--allow-non-loopback"])
            .unwrap()
            .unwrap();
        assert!(!b.cfg.bind.ip().is_loopback());
        assert!(b.allow_non_loopback);
        assert!(parse(&["--quirks", "nope"]).is_err());
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--frobnicate"]).is_err());
        assert!(
            parse(&["--bind", "::1"])
                .unwrap()
                .unwrap()
                .cfg
                .bind
                .ip()
                .is_loopback()
        );
    }
}
