//! `capwasi serve`: CGI programs (RFC 3875) as HTTP endpoints, one fresh
//! sandboxed instance per request.
//!
//! hyper serves HTTP/1.1 (keep-alive; a malformed request gets its 400 from
//! hyper and never reaches a guest) on a tokio runtime. Each route's module is
//! compiled once and linked once (`InstancePre`); a request gets a new store
//! and context, its CGI variables, its body on stdin, and runs on one of
//! `--max-instances` guest threads (the preview1 host is synchronous), taking
//! its turn in one queue (`pool.rs`). The guest's stdout is read as a CGI
//! response and streamed to the client as the guest writes it. Instances come
//! from wasmtime's pooling allocator unless `--no-pooling`; preopened
//! directories are opened once per route and duplicated per request.
//!
//! The request body is read whole (at most `--max-body`, else 413) before the
//! guest starts, not streamed to its stdin, for two reasons. RFC 3875 section
//! 4.1.2 makes CONTENT_LENGTH the body's length, and CGI libraries read that
//! many bytes and no more (Go's net/http/cgi gives a request without it no
//! body at all); a chunked body tells its length only at its end. And a body
//! still arriving then holds no instance: streamed, `--max-instances` clients
//! uploading slowly (as many as there are cores, by default) would stop the
//! server until their `--timeout`. The cost is memory, `--max-body` per
//! request being read. A guest that never reads its stdin leaves nothing
//! waiting. The response, which can be large and slow, is streamed; a guest
//! writing to a client that stopped reading waits at most until its
//! `--timeout` (`guest.rs`).

mod cgi;
mod guest;
mod pool;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Notify, Semaphore, mpsc, oneshot};
use wasmtime::{Engine, PoolingAllocationConfig};

use super::model::{Listen, Route, RunConfig, ServeConfig, ServeMode};
use super::{EXIT_HOST_ERROR, cache, host, run};
use guest::{Chunk, Done, Ending, Job, Prepared};

/// The largest header block a guest may write before its body.
const MAX_HEAD: usize = 64 * 1024;
/// How many local redirects (`Location: /path`) one request may follow.
const MAX_LOCAL_REDIRECTS: usize = 5;
/// How long requests in flight may take to finish after SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// How much of each linear memory and table the pooling allocator resets by
/// copying rather than hands back to the kernel (see [`engine`]).
const KEEP_RESIDENT: usize = 1 << 20;
/// How often the engine's epoch ticks when a route has a timeout: each
/// running guest checks its deadline at each tick, so it is stopped at most
/// this late.
const TICK: Duration = Duration::from_millis(10);

/// What every request shares.
struct Server {
    engine: Engine,
    counts_fuel: bool,
    /// The routes, longest prefix first, each prepared (empty without guests).
    routes: Vec<Prepared>,
    config: ServeConfig,
    /// The threads guests run on (`--max-instances` of them).
    guests: pool::Pool,
    /// `--cgi-process`'s limit on processes at once.
    instances: Arc<Semaphore>,
    next_id: AtomicU64,
    local: SocketAddr,
}

/// Runs the server until SIGTERM or Ctrl-C; exit 1 if it cannot start.
pub fn main(config: ServeConfig) -> ExitCode {
    match start(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln_lossy!("capwasi: {e:#}");
            ExitCode::from(EXIT_HOST_ERROR)
        }
    }
}

fn start(config: ServeConfig) -> wasmtime::Result<()> {
    let (engine, counts_fuel) = engine(&config)?;
    let mut routes = Vec::new();
    if config.mode == ServeMode::Instance {
        for route in &config.routes {
            routes.push(prepare(&engine, &route.run)?);
        }
    }
    let stack = config.routes.iter().map(|r| r.run.limits.thread_stack_size()).max().unwrap_or(0);
    let guests = pool::Pool::new(config.max_instances, stack.max(2 << 20))?;
    if config.mode == ServeMode::Instance && config.routes.iter().any(|r| r.run.limits.time_limit().is_some()) {
        tick(engine.clone())?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get()).min(4))
        .thread_name("capwasi serve")
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = match &config.listen {
            Listen::Addr(addr) => tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| wasmtime::format_err!("cannot listen on {addr} (--listen): {e}"))?,
            Listen::Fd(fd) => {
                use std::os::fd::FromRawFd;
                // SAFETY: `--listenfd` checked that the parent passed this descriptor to this process.
                let std = unsafe { std::net::TcpListener::from_raw_fd(*fd) };
                std.set_nonblocking(true)?;
                tokio::net::TcpListener::from_std(std)?
            }
        };
        let local = listener.local_addr()?;
        eprintln_lossy!("capwasi serve: listening on http://{local}");
        let server = Arc::new(Server {
            engine,
            counts_fuel,
            routes,
            guests,
            instances: Arc::new(Semaphore::new(config.max_instances)),
            config,
            next_id: AtomicU64::new(1),
            local,
        });
        accept_until_stopped(listener, server).await
    })
}

/// The engine every route's instances share: fuel counting and epoch checks
/// if any route has a budget or a timeout, the largest wasm stack any route
/// asks for, and the pooling allocator sized to `--max-instances`, resetting
/// slots by copying rather than `madvise` up to [`KEEP_RESIDENT`].
fn engine(config: &ServeConfig) -> wasmtime::Result<(Engine, bool)> {
    let all = || config.routes.iter().map(|r| &r.run.limits);
    let mut limits = capwasi::limits::Limits::new();
    let counts_fuel = all().any(|l| l.fuel_limit().is_some());
    if counts_fuel {
        limits = limits.fuel(1);
    }
    if all().any(|l| l.time_limit().is_some()) {
        limits = limits.timeout(Duration::from_secs(1));
    }
    if let Some(stack) = all().filter_map(|l| l.wasm_stack_limit()).max() {
        limits = limits.max_wasm_stack(stack);
    }
    let mut wasmtime_config = wasmtime::Config::new();
    limits.configure(&mut wasmtime_config);
    if config.pooling && config.mode == ServeMode::Instance {
        // Slots for every instance that may run at once, and as many again
        // being torn down or set up.
        let slots = u32::try_from(config.max_instances * 2).unwrap_or(u32::MAX);
        let mut pool = PoolingAllocationConfig::default();
        pool.total_core_instances(slots).total_memories(slots).total_tables(slots).total_gc_heaps(slots);
        // The largest memory any route allows (each without a cap may grow to 4 GiB).
        if all().all(|l| l.memory_limit().is_some()) {
            pool.max_memory_size(all().filter_map(|l| l.memory_limit()).max().unwrap_or(0));
        }
        // A slot given back is reset for the next instance by copying the
        // pages the guest changed back from the module's image (found with
        // Linux's PAGEMAP_SCAN, from 6.7; before it, the first KEEP_RESIDENT
        // bytes are copied whole), up to KEEP_RESIDENT bytes; only beyond
        // that is memory given back to the kernel (madvise), as it is
        // without this. madvise costs more than copying a few pages: a
        // system call, TLB shootdowns on every core the server runs on, and
        // a page fault for each page the next instance touches again.
        pool.linear_memory_keep_resident(KEEP_RESIDENT)
            .table_keep_resident(KEEP_RESIDENT)
            .pagemap_scan(wasmtime::Enabled::Auto);
        wasmtime_config.allocation_strategy(pool);
    }
    let engine =
        Engine::new(&wasmtime_config).map_err(|e| e.context("cannot set up the wasm engine (try --no-pooling)"))?;
    Ok((engine, counts_fuel))
}

/// Ticks `engine`'s epoch every [`TICK`] for the server's life: one thread
/// for every request's timeout, rather than a thread per request.
fn tick(engine: Engine) -> std::io::Result<()> {
    std::thread::Builder::new().name("capwasi epoch".into()).spawn(move || {
        loop {
            std::thread::sleep(TICK);
            engine.increment_epoch();
        }
    })?;
    Ok(())
}

/// A route's module compiled (or taken from the cache) and linked once.
fn prepare(engine: &Engine, config: &RunConfig) -> wasmtime::Result<Prepared> {
    let (module, _) = cache::load(engine, &config.module, &config.load)?;
    let mut linker = host::linker(engine)?;
    if config.trap_unknown_imports {
        linker.define_unknown_imports_as_traps(&module)?;
    } else {
        let mut store = wasmtime::Store::new(engine, host::Host { wasi: capwasi::WasiCtx::builder().build()? });
        run::check_imports(&linker, &mut store, &module, &config.module)?;
    }
    if module.get_export("_start").is_none() {
        wasmtime::bail!("'{}' exports no `_start`: a CGI program is a WASI command", config.module.display());
    }
    for warning in super::model::overlap_warnings(&config.preopens) {
        eprintln_lossy!("{warning}");
    }
    let pre = linker.instantiate_pre(&module)?;
    let mut dirs = Vec::new();
    for preopen in &config.preopens {
        let dir = cap_std::fs::Dir::open_ambient_dir(&preopen.host, cap_std::ambient_authority())
            .map_err(|e| wasmtime::format_err!("{}", super::model::preopen_error(preopen, &e)))?;
        dirs.push(dir);
    }
    Ok(Prepared { run: config.clone(), module, pre, dirs })
}

/// Accepts connections until SIGTERM or Ctrl-C, then waits for the requests in flight.
async fn accept_until_stopped(listener: tokio::net::TcpListener, server: Arc<Server>) -> wasmtime::Result<()> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: keep serving.
                    eprintln_lossy!("capwasi serve: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = terminate.recv() => break,
            _ = tokio::signal::ctrl_c() => break,
        };
        let _ = stream.set_nodelay(true);
        let server = server.clone();
        // Told when the client stopped reading a response until its guest's deadline.
        let stalled = Arc::new(Notify::new());
        let service = {
            let stalled = stalled.clone();
            hyper::service::service_fn(move |request| {
                let (server, stalled) = (server.clone(), stalled.clone());
                async move { Ok::<_, Infallible>(handle(server, request, remote, stalled).await) }
            })
        };
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(Duration::from_secs(30))
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Dropping the connection closes it: the only way to end a response
            // hyper is still trying to write to a client that does not read.
            tokio::select! {
                _ = connection => {}
                _ = stalled.notified() => {}
            }
        });
    }
    drop(listener);
    eprintln_lossy!("capwasi serve: stopping: finishing the requests in flight");
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(SHUTDOWN_GRACE) => {
            eprintln_lossy!("capwasi serve: requests still running after {}s; stopping anyway", SHUTDOWN_GRACE.as_secs());
        }
    }
    Ok(())
}

/// One request: its route, its body, its guest; local redirects followed.
async fn handle(
    server: Arc<Server>,
    request: Request<Incoming>,
    remote: SocketAddr,
    stalled: Arc<Notify>,
) -> Response<GuestBody> {
    let id = server.next_id.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let mut log =
        AccessLog { id, remote, line: format!("{} {}", parts.method, parts.uri), started, stats: server.config.stats };
    let max_body = server.config.max_body;
    let declared = parts.headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body) {
        return plain(StatusCode::PAYLOAD_TOO_LARGE, &format!("the body is larger than {max_body} bytes"), log);
    }
    let body = match Limited::new(body, usize::try_from(max_body).unwrap_or(usize::MAX)).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            return plain(StatusCode::PAYLOAD_TOO_LARGE, &format!("the body is larger than {max_body} bytes"), log);
        }
        Err(e) => return plain(StatusCode::BAD_REQUEST, &format!("cannot read the body: {e}"), log),
    };
    if server.config.mode == ServeMode::NativeHello {
        return plain(StatusCode::OK, "Hello, world!", log);
    }
    let mut method = parts.method.clone();
    let mut target = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_string(), |p| p.to_string());
    let mut body = body;
    for _ in 0..=MAX_LOCAL_REDIRECTS {
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let Some(at) = server.config.routes.iter().position(|r| r.path_info(path).is_some()) else {
            return plain(StatusCode::NOT_FOUND, &format!("no route serves {path}"), log);
        };
        let route = &server.config.routes[at];
        let info = cgi::RequestInfo {
            method: &method,
            script_name: &route.prefix,
            path_info: route.path_info(path).unwrap_or(""),
            query,
            headers: &parts.headers,
            content_length: (!body.is_empty() || declared.is_some()).then_some(body.len()),
            local: server.local,
            remote,
        };
        let env = cgi::meta_variables(&info);
        match respond(&server, at, route, env, body.clone(), log, stalled.clone()).await {
            Answer::Response(response) => return response,
            Answer::Redirect(location, returned) => {
                log = returned;
                method = Method::GET;
                target = location;
                body = Bytes::new();
            }
        }
    }
    plain(StatusCode::BAD_GATEWAY, &format!("more than {MAX_LOCAL_REDIRECTS} local redirects"), log)
}

/// A guest's answer: a response, or a local redirect to follow.
enum Answer {
    Response(Response<GuestBody>),
    Redirect(String, AccessLog),
}

/// Runs route `at`'s guest for one request and reads its response head.
async fn respond(
    server: &Arc<Server>,
    at: usize,
    route: &Route,
    env: Vec<(String, String)>,
    body: Bytes,
    log: AccessLog,
    stalled: Arc<Notify>,
) -> Answer {
    let (out, mut output) = mpsc::channel::<Chunk>(16);
    let (done_tx, mut done) = oneshot::channel::<Done>();
    let job = Job {
        id: log.id,
        env,
        body,
        out,
        max_response: server.config.max_response,
        scratch: server.config.scratch.clone(),
        stats: server.config.stats,
        stalled,
        runtime: tokio::runtime::Handle::current(),
    };
    if server.config.mode == ServeMode::Process {
        let Ok(permit) = server.instances.clone().acquire_owned().await else {
            return Answer::Response(plain(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping", log));
        };
        tokio::spawn(run_process(route.run.clone(), job, done_tx, permit));
    } else {
        let shared = server.clone();
        server.guests.run(move || {
            // The client went away while the request waited its turn.
            if job.out.is_closed() {
                return;
            }
            guest::run(&shared.engine, shared.counts_fuel, &shared.routes[at], job, done_tx);
        });
    }
    // The header block, then the body as it comes.
    let mut head = Vec::new();
    // The guest's report, when it ended before its response went out.
    let mut report = None;
    let end = loop {
        match output.recv().await {
            Some(Ok(chunk)) => {
                head.extend_from_slice(&chunk);
                // The header block and the first of the body, or the end of the output:
                // a guest that fails before its body gets its failure's status.
                if let Some(end) = cgi::head_end(&head)
                    && head.len() > end
                {
                    break end;
                }
                if head.len() > MAX_HEAD {
                    return Answer::Response(failure(StatusCode::BAD_GATEWAY, "the header block is too large", log));
                }
            }
            Some(Err(e)) => return Answer::Response(failure(StatusCode::BAD_GATEWAY, &e.to_string(), log)),
            None if report.is_some() => break cgi::head_end(&head).unwrap_or(head.len()),
            None => {
                let finished = match (&mut done).await {
                    Ok(done) => done,
                    Err(_) => Done {
                        ending: Ending::HostError("the guest's thread ended without a report".into()),
                        fuel: None,
                        peak_memory: None,
                    },
                };
                let (status, why) = match finished.ending {
                    // Its header block came with its last write.
                    Ending::Exited(_) if cgi::head_end(&head).is_some() => {
                        report = Some(finished);
                        continue;
                    }
                    Ending::Trapped(reason) => {
                        (StatusCode::INTERNAL_SERVER_ERROR, format!("the guest trapped: {reason}"))
                    }
                    Ending::OutOfFuel => (StatusCode::INTERNAL_SERVER_ERROR, "the guest ran out of fuel".into()),
                    Ending::TimedOut(limit) => (
                        StatusCode::GATEWAY_TIMEOUT,
                        format!("the guest timed out after {}", capwasi::limits::format_duration(limit)),
                    ),
                    Ending::HostError(why) => (StatusCode::INTERNAL_SERVER_ERROR, why),
                    Ending::Exited(code) => {
                        (StatusCode::BAD_GATEWAY, format!("the guest exited ({code}) without a CGI header block"))
                    }
                };
                return Answer::Response(failure(status, &why, log));
            }
        }
    };
    let rest = Bytes::copy_from_slice(&head[end..]);
    match cgi::parse_head(&head[..end]) {
        Err(why) => Answer::Response(failure(StatusCode::BAD_GATEWAY, &format!("not a CGI response: {why}"), log)),
        Ok(cgi::Head::LocalRedirect(location)) => Answer::Redirect(location, log),
        Ok(cgi::Head::Response(status, headers)) => {
            let mut response = Response::new(GuestBody {
                first: (!rest.is_empty()).then_some(rest),
                output: Some(output),
                done: Some(done),
                report,
                bytes: 0,
                status,
                log: Some(log),
            });
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            Answer::Response(response)
        }
    }
}

/// Classic CGI, for comparison: `capwasi run` as a new process, with the
/// route's preopens, environment and limits as flags.
async fn run_process(
    config: RunConfig,
    job: Job,
    done: oneshot::Sender<Done>,
    permit: tokio::sync::OwnedSemaphorePermit,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut command = tokio::process::Command::new(std::env::current_exe().unwrap_or_else(|_| "capwasi".into()));
    command.arg("run");
    for preopen in &config.preopens {
        let ro = if preopen.perms == capwasi::DirPerms::ReadOnly { "::ro" } else { "" };
        command.arg(format!("--dir={}::{}{ro}", preopen.host.display(), preopen.guest));
    }
    for (key, value) in config.env.iter().chain(&job.env) {
        command.arg(format!("--env={key}={value}"));
    }
    if let Some(fuel) = config.limits.fuel_limit() {
        command.arg(format!("--fuel={fuel}"));
    }
    if let Some(limit) = config.limits.time_limit() {
        command.arg(format!("--timeout={}", capwasi::limits::format_duration(limit)));
    }
    if let Some(bytes) = config.limits.memory_limit() {
        command.arg(format!("--max-memory={bytes}"));
    }
    command.arg(format!("--argv0={}", config.args[0])).arg("--").arg(&config.module).args(&config.args[1..]);
    command.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).kill_on_drop(true);
    let report = |ending| Done { ending, fuel: None, peak_memory: None };
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            let _ = done.send(report(Ending::HostError(format!("cannot run capwasi: {e}"))));
            return;
        }
    };
    let mut stdin = child.stdin.take().expect("piped");
    let body = job.body;
    tokio::spawn(async move {
        let _ = stdin.write_all(&body).await;
    });
    let mut stdout = child.stdout.take().expect("piped");
    let mut buf = vec![0; 16384];
    // A client that stops reading holds the process at most until its timeout, as in-process.
    let deadline = config.limits.time_limit().map(|limit| tokio::time::Instant::now() + limit);
    let mut stalled = false;
    while let Ok(n @ 1..) = stdout.read(&mut buf).await {
        let send = job.out.send(Ok(Bytes::copy_from_slice(&buf[..n])));
        let sent = match deadline {
            Some(at) => tokio::time::timeout_at(at, send).await.unwrap_or_else(|_| {
                stalled = true;
                Ok(())
            }),
            None => send.await,
        };
        if stalled || sent.is_err() {
            break;
        }
    }
    if stalled {
        eprintln_lossy!(
            "capwasi serve: [{:x}] the client stopped reading: its response is cut off at the timeout",
            job.id
        );
        let _ = child.start_kill();
        job.stalled.notify_one();
    }
    let ending = match child.wait().await.map(|s| s.code()) {
        _ if stalled => Ending::TimedOut(config.limits.time_limit().unwrap_or_default()),
        Ok(Some(134)) => Ending::Trapped("see the server log".into()),
        Ok(Some(124)) => Ending::TimedOut(config.limits.time_limit().unwrap_or_default()),
        Ok(Some(152)) => Ending::OutOfFuel,
        Ok(Some(code)) => Ending::Exited(code),
        Ok(None) => Ending::HostError("capwasi run was killed by a signal".into()),
        Err(e) => Ending::HostError(e.to_string()),
    };
    let _ = done.send(report(ending));
    drop(job.out);
    drop(permit);
}

/// A response of the server's own, `text` as its body (and in the log).
fn plain(status: StatusCode, text: &str, log: AccessLog) -> Response<GuestBody> {
    let mut response = Response::new(GuestBody {
        first: Some(Bytes::from(format!("{text}\n"))),
        output: None,
        done: None,
        report: None,
        bytes: 0,
        status,
        log: Some(log),
    });
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

/// A failed request: its reason in the log, and as the response body.
fn failure(status: StatusCode, why: &str, log: AccessLog) -> Response<GuestBody> {
    eprintln_lossy!("capwasi serve: [{:x}] {status}: {why}", log.id);
    plain(status, why, log)
}

/// What the access log says of a request; written when its response is done.
struct AccessLog {
    id: u64,
    remote: SocketAddr,
    /// `METHOD TARGET`.
    line: String,
    started: Instant,
    stats: bool,
}

/// A response body: what came with the header block, then the guest's
/// stdout as it writes it. If the guest fails after its header block went
/// out, the body ends with an error, so the client sees a cut-off response
/// rather than a complete one. Writes the access log line when dropped.
struct GuestBody {
    first: Option<Bytes>,
    output: Option<mpsc::Receiver<Chunk>>,
    done: Option<oneshot::Receiver<Done>>,
    /// The guest's report, if it came before the response was made.
    report: Option<Done>,
    bytes: u64,
    status: StatusCode,
    log: Option<AccessLog>,
}

impl Body for GuestBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if let Some(first) = self.first.take() {
            self.bytes += first.len() as u64;
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        let Some(output) = self.output.as_mut() else { return Poll::Ready(None) };
        match output.poll_recv(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(chunk))) => {
                self.bytes += chunk.len() as u64;
                Poll::Ready(Some(Ok(Frame::data(chunk))))
            }
            Poll::Ready(Some(Err(e))) => {
                self.output = None;
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                self.output = None;
                // The report arrives before the output closes.
                let report = self.report.take().or_else(|| self.done.as_mut().and_then(|d| d.try_recv().ok()));
                let failed = match report {
                    Some(done) => {
                        let failed = !matches!(done.ending, Ending::Exited(_));
                        self.done = None;
                        self.log_done(Some(&done));
                        failed.then(|| format!("the guest failed after its header block: {:?}", done.ending))
                    }
                    None => None,
                };
                match failed {
                    Some(why) => Poll::Ready(Some(Err(std::io::Error::other(why)))),
                    None => Poll::Ready(None),
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.first.is_none() && self.output.is_none()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        match (&self.first, &self.output) {
            (Some(first), None) => hyper::body::SizeHint::with_exact(first.len() as u64),
            (None, None) => hyper::body::SizeHint::with_exact(0),
            _ => hyper::body::SizeHint::default(),
        }
    }
}

impl GuestBody {
    /// Writes the access log line (once), with the guest's fuel and peak memory under `--stats`.
    fn log_done(&mut self, done: Option<&Done>) {
        let Some(log) = self.log.take() else { return };
        let mut line = format!(
            "capwasi serve: [{:x}] {} \"{}\" {} {} bytes {:.3} ms",
            log.id,
            log.remote,
            log.line,
            self.status.as_u16(),
            self.bytes,
            log.started.elapsed().as_secs_f64() * 1000.0
        );
        if log.stats
            && let Some(done) = done
        {
            if let Some(fuel) = done.fuel {
                line.push_str(&format!(" fuel={fuel}"));
            }
            if let Some(peak) = done.peak_memory {
                line.push_str(&format!(" peak_memory={peak}"));
            }
        }
        // One write(2) per line: stderr is unbuffered, and a line written in
        // pieces would cost a system call per piece.
        line.push('\n');
        let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    }
}

impl Drop for GuestBody {
    fn drop(&mut self) {
        let report = self.report.take().or_else(|| self.done.take().and_then(|mut d| d.try_recv().ok()));
        self.log_done(report.as_ref());
    }
}
