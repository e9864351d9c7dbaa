//! `preflight demo`: start the built-in SCIM testbed on a free loopback port and run the
//! checks against it, so a newcomer sees real output without an endpoint of their own.

use crate::args::DemoArgs;
use crate::exit;
use preflight_core::Secret;
use preflight_core::probe::NetConfig;
use preflight_core::target::{Credential, Idp, Target};
use preflight_testbed::{Quirks, Testbed, TestbedConfig};

pub async fn run(args: DemoArgs) -> i32 {
    let idp: Idp = match args.idp.parse() {
        Ok(i) => i,
        Err(e) => return exit::usage(format!("--idp: {e}")),
    };
    let quirks = match Quirks::parse(&args.quirks) {
        Ok(q) => q,
        Err(e) => return exit::usage(format!("--quirks: {e}")),
    };
    let config = TestbedConfig {
        bind: std::net::SocketAddr::from(([127, 0, 0, 1], args.port)),
        quirks,
        ..TestbedConfig::default()
    };
    let token = config
        .tokens
        .first()
        .map(|t| t.value.clone())
        .unwrap_or_default();
    let testbed = match Testbed::start(config).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "error: cannot start the demo SCIM server on 127.0.0.1:{}: {e}",
                args.port
            );
            return exit::INCOMPLETE;
        }
    };
    if args.serve {
        println!("Demo SCIM server: {}", testbed.base_url());
        println!("Token:            {token}   (a throwaway demo token)");
        println!(
            "OAuth token URL:  {}   (client demo-client / demo-secret)",
            testbed.token_url()
        );
        println!(
            "Try: PREFLIGHT_TOKEN={token} preflight check --url {}",
            testbed.base_url()
        );
        println!("Press Ctrl-C to stop.");
        let _ = tokio::signal::ctrl_c().await;
        testbed.shutdown().await;
        return exit::OK;
    }
    eprintln!(
        "Demo SCIM server started at {} — running the checks against it.",
        testbed.base_url()
    );
    let target = match Target::new(
        &testbed.base_url(),
        Credential::Bearer(Secret::new(token)),
        idp,
    ) {
        Ok(t) => t,
        Err(e) => return exit::usage(e),
    };
    let code = super::check::run_and_report(
        target,
        &NetConfig::default(),
        &args.output,
        crate::progress::sink(),
    )
    .await;
    testbed.shutdown().await;
    code
}
