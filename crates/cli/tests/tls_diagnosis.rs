//! TLS diagnosis against real handshakes: certificates are generated here (rcgen), served by a
//! rustls front that passes decrypted traffic to an in-process testbed, and `preflight check`
//! must name each failure with its `tls/…` code and the matching fix. TLS 1.0 is served by
//! the local `openssl s_server`, since rustls cannot speak it.

mod common;
mod hostile_support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hostile_support::{Run, check};
use preflight_testbed::{Testbed, TestbedConfig};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    date_time_ymd,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Hang guard for one CLI run.
const GUARD: Duration = Duration::from_secs(60);

/// A private certificate authority made for one test.
struct Ca {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

fn private_ca() -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "Preflight Test Private CA");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Ca {
        pem: cert.pem(),
        issuer: Issuer::new(params, key),
    }
}

/// A server certificate and its key.
struct Leaf {
    der: CertificateDer<'static>,
    pem: String,
    key: KeyPair,
}

/// A leaf for `names`, valid between the given years, signed by `ca` (self-signed if none).
fn leaf(names: &[&str], valid: (i32, i32), ca: Option<&Ca>) -> Leaf {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, names[0].to_string());
    params.not_before = date_time_ymd(valid.0, 1, 1);
    params.not_after = date_time_ymd(valid.1, 1, 1);
    let key = KeyPair::generate().unwrap();
    let cert = match ca {
        Some(ca) => params.signed_by(&key, &ca.issuer).unwrap(),
        None => params.self_signed(&key).unwrap(),
    };
    Leaf {
        der: cert.der().clone(),
        pem: cert.pem(),
        key,
    }
}

/// Valid from last year to well in the future.
fn current() -> (i32, i32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let year = 1970 + (secs / 31_556_952) as i32;
    (year - 1, year + 5)
}

/// A TLS front on 127.0.0.1 serving `leaf`, forwarding decrypted bytes to a clean testbed.
struct TlsFront {
    url: String,
    testbed: Testbed,
    task: JoinHandle<()>,
}

impl TlsFront {
    async fn start(leaf: &Leaf) -> TlsFront {
        let testbed = Testbed::start(TestbedConfig::default()).await.unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf.key.serialize_der()));
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der.clone()], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let upstream = testbed.local_addr();
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((tcp, _)) = accepted else { continue };
                        let acceptor = acceptor.clone();
                        connections.spawn(relay(acceptor, tcp, upstream));
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        TlsFront {
            url: format!("https://{addr}/scim/v2"),
            testbed,
            task,
        }
    }

    async fn stop(self) {
        self.task.abort();
        self.testbed.shutdown().await;
    }
}

/// One connection: finish the handshake (a failed one just ends), then pipe to the testbed.
async fn relay(acceptor: tokio_rustls::TlsAcceptor, tcp: TcpStream, upstream: SocketAddr) {
    let work = async {
        let mut tls = acceptor.accept(tcp).await.ok()?;
        let mut plain = TcpStream::connect(upstream).await.ok()?;
        tokio::io::copy_bidirectional(&mut tls, &mut plain)
            .await
            .ok()
    };
    let _ = tokio::time::timeout(Duration::from_secs(60), work).await;
}

fn write_file(name: &str, text: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tls-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

async fn run(url: String, extra: Vec<String>) -> Run {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = extra.iter().map(String::as_str).collect();
        check(&url, &args, GUARD)
    })
    .await
    .unwrap()
}

fn ca_args(ca_file: &Path) -> Vec<String> {
    vec![
        "--timeout".into(),
        "10".into(),
        "--ca-file".into(),
        ca_file.display().to_string(),
    ]
}

fn plain_args() -> Vec<String> {
    vec!["--timeout".into(), "10".into()]
}

/// `code` is the diagnosis of the reachability check, and its fix says `fix_words`.
fn assert_tls(run: &Run, code: &str, fix_words: &str) {
    assert!(run.code.is_some(), "killed after {:?}", run.elapsed);
    assert_eq!(run.code, Some(3), "exit code\n{}", run.problems());
    assert!(
        run.diagnoses().iter().any(|d| d == code),
        "expected {code}, got {:?}\n{}",
        run.diagnoses(),
        run.problems()
    );
    let other_tls: Vec<_> = run
        .diagnoses()
        .into_iter()
        .filter(|d| d.starts_with("tls/") && d != code)
        .collect();
    assert!(
        other_tls.is_empty(),
        "other TLS codes besides {code}: {other_tls:?}"
    );
    let fix = run.fix_for(code).unwrap_or_default();
    assert!(
        fix.contains(fix_words),
        "fix for {code} does not say '{fix_words}': {fix}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_signed_certificate_is_untrusted() {
    let cert = leaf(&["127.0.0.1"], current(), None);
    let front = TlsFront::start(&cert).await;
    let run = run(front.url.clone(), plain_args()).await;
    assert_tls(&run, "tls/untrusted-certificate", "--ca-file");
    front.stop().await;
}

/// Without the CA the chain does not verify; with `--ca-file` the whole run passes over TLS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_ca_fails_without_and_passes_with_ca_file() {
    let ca = private_ca();
    let cert = leaf(&["127.0.0.1"], current(), Some(&ca));
    let front = TlsFront::start(&cert).await;

    let without = run(front.url.clone(), plain_args()).await;
    assert_tls(&without, "tls/untrusted-certificate", "--ca-file");

    let ca_file = write_file("private-ca.pem", &ca.pem);
    let with = run(front.url.clone(), ca_args(&ca_file)).await;
    assert_eq!(with.code, Some(0), "{}", with.problems());
    assert!(
        with.diagnoses().iter().all(|d| !d.starts_with("tls/")),
        "{:?}",
        with.diagnoses()
    );
    front.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_certificate_says_renew() {
    let ca = private_ca();
    let cert = leaf(&["127.0.0.1"], (2020, 2021), Some(&ca));
    let front = TlsFront::start(&cert).await;
    let ca_file = write_file("expired-ca.pem", &ca.pem);
    let run = run(front.url.clone(), ca_args(&ca_file)).await;
    assert_tls(&run, "tls/expired-certificate", "renew");
    front.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_for_another_name_is_a_hostname_mismatch() {
    let ca = private_ca();
    let cert = leaf(&["scim.example.com"], current(), Some(&ca));
    let front = TlsFront::start(&cert).await;
    let ca_file = write_file("mismatch-ca.pem", &ca.pem);
    let run = run(front.url.clone(), ca_args(&ca_file)).await;
    assert_tls(&run, "tls/hostname-mismatch", "host name");
    front.stop().await;
}

/// `openssl s_server` restricted to TLS 1.0; killed when dropped.
struct OpensslTls10 {
    child: Child,
    port: u16,
}

impl Drop for OpensslTls10 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start it, or say why this machine cannot.
fn openssl_tls10(cert: &Path, key: &Path) -> Result<OpensslTls10, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let mut child = Command::new("openssl")
        .args(["s_server", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(cert)
        .arg("-key")
        .arg(key)
        .args(["-tls1", "-cipher", "DEFAULT@SECLEVEL=0", "-www"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("no openssl binary ({e})"))?;
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("ACCEPT") {
                let _ = tx.send(());
                break;
            }
        }
    });
    let mut server = OpensslTls10 { child, port };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if rx.recv_timeout(Duration::from_millis(100)).is_ok() {
            return Ok(server);
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = server.child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            return Err(format!(
                "openssl s_server -tls1 refused to start ({status}): {}",
                err.lines().next().unwrap_or("")
            ));
        }
        if Instant::now() > deadline {
            return Err("openssl s_server did not report ACCEPT within 10 s".into());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_1_0_only_server_needs_tls_1_2() {
    let ca = private_ca();
    let cert = leaf(&["127.0.0.1"], current(), Some(&ca));
    let cert_file = write_file("tls10-cert.pem", &cert.pem);
    let key_file = write_file("tls10-key.pem", &cert.key.serialize_pem());
    let ca_file = write_file("tls10-ca.pem", &ca.pem);
    let server = match openssl_tls10(&cert_file, &key_file) {
        Ok(s) => s,
        Err(reason) => {
            eprintln!("skipping tls_1_0_only_server_needs_tls_1_2: {reason}");
            return;
        }
    };
    let url = format!("https://127.0.0.1:{}/scim/v2", server.port);
    let run = run(url, ca_args(&ca_file)).await;
    drop(server);
    assert_tls(&run, "tls/protocol-version", "TLS 1.2");

    // The catalogue entry is what `explain` prints too.
    let explained = common::preflight(&["explain", "tls/protocol-version"], &[], None);
    assert!(explained.status.success());
    assert!(String::from_utf8_lossy(&explained.stdout).contains("TLS 1.2"));
}
