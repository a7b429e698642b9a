//! One connection: a fresh store and WASI context whose stdin and stdout are
//! the connection, the limits started on that store, the guest's `_start`,
//! and one `error: ...` line to the client if a limit or a failure ended it.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::Arc;

use capwasi::limits::{Limits, TimedOut, format_duration, format_size};
use capwasi::{I32Exit, WasiCtx};
use wasmtime::{Engine, InstancePre, Module, Store, Trap};

use crate::host_api::{Session, Shared};

/// What every session needs, built once: the engine, the compiled module and
/// the linker's definitions resolved against it.
pub struct Guest {
    pub engine: Engine,
    pub module: Module,
    pub pre: InstancePre<Session>,
    pub limits: Limits,
    pub shared: Arc<Shared>,
}

/// Runs one guest for the client on `conn` until it quits, disconnects, or a
/// limit ends it; returns the line the client was told, if any.
pub fn serve(guest: &Guest, conn: &UnixStream) -> wasmtime::Result<Option<String>> {
    let mut builder = WasiCtx::builder();
    builder
        .arg("shell")
        .stdin_fd(conn.try_clone()?)
        .stdout_fd(conn.try_clone()?)
        .inherit_stderr()
        .max_open_fds(guest.limits.fd_limit());
    let mut wasi = builder.build()?;
    wasi.bind_module(&guest.module);
    let mut store = Store::new(&guest.engine, Session { wasi, shared: Arc::clone(&guest.shared) });
    let _watchdog = guest.limits.start(&mut store, crate::host_api::wasi)?;
    let result = guest
        .pre
        .instantiate(&mut store)
        .and_then(|instance| instance.get_typed_func::<(), ()>(&mut store, "_start"))
        .and_then(|start| start.call(&mut store, ()));
    let error = match result {
        Ok(()) => return Ok(None),
        Err(e) => e,
    };
    if let Some(I32Exit(0)) = error.downcast_ref::<I32Exit>() {
        return Ok(None);
    }
    let line = format!("error: session ended: {}", ended_by(&guest.limits, &store, &error));
    // The client may be gone already; there is no one else to tell.
    let _ = writeln!(&*conn, "{line}");
    Ok(Some(line))
}

/// Why the guest's run ended with `error`, naming the limit when one ended it.
fn ended_by(limits: &Limits, store: &Store<Session>, error: &wasmtime::Error) -> String {
    if error.downcast_ref::<Trap>() == Some(&Trap::OutOfFuel) {
        let budget = limits.fuel_limit().unwrap_or_default();
        return format!("fuel exhausted after {budget} instructions (the limit per connection)");
    }
    if let Some(TimedOut { limit }) = error.downcast_ref::<TimedOut>() {
        return format!("timed out after {} (the limit per connection)", format_duration(*limit));
    }
    if let Some(asked) = store.data().wasi.memory_refused() {
        let cap = limits.memory_limit().map_or(0, |bytes| bytes as u64);
        return format!(
            "out of memory: the guest asked for {} of linear memory, over the limit per connection ({})",
            format_size(asked),
            format_size(cap)
        );
    }
    if let Some(I32Exit(status)) = error.downcast_ref::<I32Exit>() {
        return format!("the guest exited with status {status}");
    }
    format!("the guest failed: {}", error.to_string().lines().next().unwrap_or("unknown error"))
}
