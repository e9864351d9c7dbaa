//! Checks over every exchange of the run: redirects, rate limits, slow answers. They run
//! last and send nothing themselves.

mod no_redirect;
mod rate_limit;
mod response_time;

pub use no_redirect::NoRedirect;
pub use rate_limit::RateLimit;
pub use response_time::ResponseTime;
