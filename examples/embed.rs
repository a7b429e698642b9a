//! Embedding capwasi in your own wasmtime host: your state beside the WASI
//! context, your own host function on the same `Linker`, and in-memory stdio.
//!
//! Run: `cargo run --example embed`

use capwasi::{MemoryOutputPipe, WasiCtx};
use wasmtime::{Caller, Engine, Linker, Module, Store};

/// The store's data: the guest's WASI context and the embedder's own state.
struct MyState {
    wasi: WasiCtx,
    pings: u32,
}

/// A guest that calls our `host.ping` twice, then prints with fd_write.
const GUEST: &str = r#"(module
  (import "host" "ping" (func $ping (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 32) "pinged the host\n")
  (func (export "_start")
    (drop (call $ping))
    (drop (call $ping))
    (i32.store (i32.const 0) (i32.const 32))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

/// Runs the guest and returns what it printed and how often it pinged.
pub fn run() -> wasmtime::Result<(String, u32)> {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST)?;

    let mut linker: Linker<MyState> = Linker::new(&engine);
    capwasi::add_to_linker(&mut linker, |state: &mut MyState| &mut state.wasi)?;
    linker.func_wrap("host", "ping", |mut caller: Caller<'_, MyState>| -> u32 {
        caller.data_mut().pings += 1;
        caller.data().pings
    })?;

    let stdout = MemoryOutputPipe::new();
    let wasi = WasiCtx::builder().arg("guest").stdout(stdout.clone()).build()?;
    let mut store = Store::new(&engine, MyState { wasi, pings: 0 });
    let instance = linker.instantiate(&mut store, &module)?;
    instance.get_typed_func::<(), ()>(&mut store, "_start")?.call(&mut store, ())?;

    let printed = String::from_utf8_lossy(&stdout.contents()).into_owned();
    Ok((printed, store.data().pings))
}

#[allow(dead_code)]
fn main() -> wasmtime::Result<()> {
    let (printed, pings) = run()?;
    print!("guest printed: {printed}");
    println!("host counted {pings} pings");
    Ok(())
}
