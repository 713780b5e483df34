//! A fake HTTP server on 127.0.0.1 for the `verify` tests: it answers each
//! request with what a routing closure returns (the documented Cloudflare
//! and GitHub JSON shapes), records every request, and stops by itself
//! when dropped or after `LIFETIME`.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// No test needs the server longer; it stops on its own then.
const LIFETIME: Duration = Duration::from_secs(120);

/// How long a `Reply::Hang` keeps the connection open without answering.
const HANG: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The path with its query (`/accounts/a/...?page=2`).
    pub target: String,
    pub authorization: Option<String>,
}

impl Request {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn query(&self, key: &str) -> Option<&str> {
        let query = self.target.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == key).then_some(v)
        })
    }
}

pub enum Reply {
    Json(u16, String),
    /// A status with extra headers.
    WithHeaders(u16, Vec<(String, String)>, String),
    /// Accept and never answer (until `HANG` passes).
    Hang,
}

pub fn json(status: u16, body: serde_json::Value) -> Reply {
    Reply::Json(status, body.to_string())
}

/// A Cloudflare success envelope around `result`.
pub fn cf_ok(result: serde_json::Value) -> Reply {
    json(
        200,
        serde_json::json!({"success": true, "errors": [], "messages": [], "result": result}),
    )
}

/// A Cloudflare failure envelope.
pub fn cf_error(status: u16, code: u32, message: &str) -> Reply {
    json(
        status,
        serde_json::json!({"success": false, "errors": [{"code": code, "message": message}], "messages": [], "result": null}),
    )
}

pub struct FakeApi {
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    connections: Arc<Mutex<usize>>,
    stop: Arc<AtomicBool>,
}

impl FakeApi {
    pub fn start(route: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(Mutex::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let route = Arc::new(route);
        {
            let (requests, connections, stop) =
                (requests.clone(), connections.clone(), stop.clone());
            std::thread::spawn(move || {
                let started = Instant::now();
                while !stop.load(Ordering::Relaxed) && started.elapsed() < LIFETIME {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            *connections.lock().unwrap() += 1;
                            let (requests, route, stop) =
                                (requests.clone(), route.clone(), stop.clone());
                            std::thread::spawn(move || serve(stream, &*route, &requests, &stop));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
        }
        FakeApi {
            url,
            requests,
            connections,
            stop,
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// TCP connections accepted, whether or not a request came.
    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(
    stream: TcpStream,
    route: &(dyn Fn(&Request) -> Reply + Send + Sync),
    requests: &Mutex<Vec<Request>>,
    stop: &AtomicBool,
) {
    stream.set_nonblocking(false).ok();
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut authorization = None;
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header.trim().is_empty() => break,
            Ok(_) => {
                if let Some((name, value)) = header.split_once(':')
                    && name.eq_ignore_ascii_case("authorization")
                {
                    authorization = Some(value.trim().to_string());
                }
            }
        }
    }
    let request = Request {
        method,
        target,
        authorization,
    };
    requests.lock().unwrap().push(request.clone());
    let (status, headers, body) = match route(&request) {
        Reply::Json(status, body) => (status, Vec::new(), body),
        Reply::WithHeaders(status, headers, body) => (status, headers, body),
        Reply::Hang => {
            let until = Instant::now() + HANG;
            while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(20));
            }
            return;
        }
    };
    let mut out = stream;
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(body.as_bytes());
    let _ = out.flush();
}
