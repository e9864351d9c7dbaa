//! The bytes each hostile mode writes. Every stream is bounded: it stops when the client goes
//! away (a write fails), after a byte ceiling, or at the connection time limit.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::hostile::{FrontState, HostileMode, RawRequest, forward};
use crate::hostile_gzip::gzip_bomb_parts;

/// Size announced and streamed by `huge-body`.
const HUGE_BODY: u64 = 1024 * 1024 * 1024;
/// Ceiling for the endless streams (the client's cap should stop them long before).
const ENDLESS_CEILING: u64 = 4 * 1024 * 1024 * 1024;
/// Write size for streamed bodies.
const STREAM_CHUNK: usize = 64 * 1024;
/// Pause between bytes in `byte-at-a-time`.
const DRIP_INTERVAL: Duration = Duration::from_millis(100);

const SCIM_JSON: &str = "application/scim+json";
const LIST_START: &str = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"],\"totalResults\":1000000,\"itemsPerPage\":1000000,\"startIndex\":1,\"Resources\":[";

fn head(status: &str, headers: &[(&str, String)]) -> Vec<u8> {
    let mut text = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.into_bytes()
}

/// A complete response with a `Content-Length` body, then close.
async fn whole(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    extra: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut headers = vec![
        ("content-type", content_type.to_string()),
        ("content-length", body.len().to_string()),
        ("connection", "close".to_string()),
    ];
    headers.extend(extra.iter().cloned());
    let mut bytes = head(status, &headers);
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await?;
    stream.shutdown().await
}

/// Write `first`, then `unit` over and over until `limit` bytes or the client leaves.
async fn stream_repeating(
    stream: &mut TcpStream,
    first: &[u8],
    unit: &[u8],
    limit: u64,
) -> std::io::Result<()> {
    stream.write_all(first).await?;
    let mut chunk = Vec::with_capacity(STREAM_CHUNK + unit.len());
    while chunk.len() < STREAM_CHUNK {
        chunk.extend_from_slice(unit);
    }
    let mut sent = first.len() as u64;
    while sent < limit {
        let take = chunk.len().min((limit - sent) as usize);
        stream.write_all(&chunk[..take]).await?;
        sent += take as u64;
    }
    stream.shutdown().await
}

/// Keep the connection open, reading and discarding, until the client closes it.
async fn hold_open(stream: &mut TcpStream) -> std::io::Result<()> {
    let mut sink = [0u8; 1024];
    while stream.read(&mut sink).await? > 0 {}
    Ok(())
}

fn scim_error(status: u16, detail: &str) -> Vec<u8> {
    serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": status.to_string(),
        "detail": detail,
    })
    .to_string()
    .into_bytes()
}

const NGINX_404: &str = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// Answer one request the way the mode prescribes.
pub(crate) async fn reply(
    stream: &mut TcpStream,
    state: &Arc<FrontState>,
    request: &RawRequest,
) -> std::io::Result<()> {
    use HostileMode::*;
    let close = ("connection", "close".to_string());
    let scim = ("content-type", SCIM_JSON.to_string());
    match state.mode {
        EndlessBody => {
            let mut first = head("200 OK", &[scim, close]);
            first.extend_from_slice(LIST_START.as_bytes());
            let unit = b"{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"0\",\"userName\":\"endless@example.invalid\"},";
            stream_repeating(stream, &first, unit, ENDLESS_CEILING).await
        }
        HugeBody => {
            let mut first = head(
                "200 OK",
                &[scim, ("content-length", HUGE_BODY.to_string()), close],
            );
            let header_len = first.len() as u64;
            first.extend_from_slice(LIST_START.as_bytes());
            stream_repeating(stream, &first, b" ", header_len + HUGE_BODY).await
        }
        ByteAtATime => {
            let upstream = forward(request, state.upstream).await?;
            for byte in upstream {
                stream.write_all(&[byte]).await?;
                tokio::time::sleep(DRIP_INTERVAL).await;
            }
            stream.shutdown().await
        }
        HeadersNoBody => {
            stream
                .write_all(&head(
                    "200 OK",
                    &[scim, ("content-length", "2048".into()), close],
                ))
                .await?;
            hold_open(stream).await
        }
        CutMidBody => {
            let mut bytes = head("200 OK", &[scim, ("content-length", "4096".into()), close]);
            bytes.extend_from_slice(LIST_START.as_bytes());
            stream.write_all(&bytes).await?;
            stream.flush().await?;
            // Drop the connection without a clean close: the client sees it end short.
            Ok(())
        }
        InvalidUtf8 => {
            let mut body = LIST_START.replace("1000000", "1").into_bytes();
            body.extend_from_slice(b"{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"1\",\"userName\":\"mueller@example.invalid\",\"displayName\":\"J\xfcrgen M\xfcller\"}]}");
            whole(stream, "200 OK", SCIM_JSON, &[], &body).await
        }
        InvalidJson => {
            let mut body = LIST_START.replace("1000000", "1").into_bytes();
            body.extend_from_slice(
                b"{\"id\":\"1\",\"userName\":\"cut@example.invalid\",\"name\":{\"givenName\":",
            );
            whole(stream, "200 OK", SCIM_JSON, &[], &body).await
        }
        HtmlErrorPage => {
            whole(
                stream,
                "404 Not Found",
                "text/html",
                &[],
                NGINX_404.as_bytes(),
            )
            .await
        }
        GzipBomb => {
            let (prefix, unit) = gzip_bomb_parts();
            let mut first = head(
                "200 OK",
                &[scim, ("content-encoding", "gzip".into()), close],
            );
            first.extend_from_slice(&prefix);
            stream_repeating(stream, &first, &unit, ENDLESS_CEILING).await
        }
        RateLimitRetryAfter | RateLimitHugeRetryAfter | RateLimitNoRetryAfter => {
            let extra: Vec<(&str, String)> = match state.mode {
                RateLimitRetryAfter => vec![("retry-after", "1".into())],
                RateLimitHugeRetryAfter => vec![("retry-after", "86400".into())],
                _ => vec![],
            };
            let body = scim_error(429, "Too many requests");
            whole(stream, "429 Too Many Requests", SCIM_JSON, &extra, &body).await
        }
        ServerErrorStorm => {
            let n = {
                let mut served = state.served.lock().expect("counter lock");
                *served += 1;
                *served
            };
            let (code, reason) = match n % 4 {
                0 => (500, "Internal Server Error"),
                1 => (502, "Bad Gateway"),
                2 => (503, "Service Unavailable"),
                _ => (504, "Gateway Timeout"),
            };
            let body = scim_error(code, reason);
            whole(stream, &format!("{code} {reason}"), SCIM_JSON, &[], &body).await
        }
        RedirectOtherOrigin => {
            let location = format!("{}{}", state.other_origin, request.info.path);
            whole(
                stream,
                "307 Temporary Redirect",
                "text/plain",
                &[("location", location)],
                b"Moved",
            )
            .await
        }
    }
}
