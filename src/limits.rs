//! Resource limits for running guests: what the `capwasi run` flags set, for
//! embedders too.
//!
//! Some limits are the engine's (set on a [`wasmtime::Config`] by
//! [`Limits::configure`]), some the store's (the [`StoreLimits`] from
//! [`Limits::store_limits`], installed with `store.limiter`):
//!
//! ```
//! use capwasi::limits::Limits;
//!
//! let limits = Limits::new().max_memory(64 << 20).max_wasm_stack(8 << 20);
//! let mut config = wasmtime::Config::new();
//! limits.configure(&mut config);
//! let engine = wasmtime::Engine::new(&config)?;
//!
//! struct State { limits: wasmtime::StoreLimits }
//! let mut store = wasmtime::Store::new(&engine, State { limits: limits.store_limits() });
//! store.limiter(|state| &mut state.limits);
//! // Call into the guest on a thread with `limits.thread_stack_size()` bytes of stack.
//! # Ok::<(), wasmtime::Error>(())
//! ```

use wasmtime::{StoreLimits, StoreLimitsBuilder};

/// wasmtime's default `max_wasm_stack`.
pub const DEFAULT_MAX_WASM_STACK: usize = 512 << 10;

/// The stack host code gets beside the guest's: as much as a Linux main thread
/// has by default, so host calls, traps and backtraces have what they would
/// have without a wasm stack limit.
pub const HOST_STACK: usize = 8 << 20;

/// Limits on what one guest may use. Unset limits are wasmtime's defaults:
/// memory unlimited (up to what the module declares), 512 KiB of wasm stack.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    max_memory: Option<usize>,
    max_wasm_stack: Option<usize>,
}

impl Limits {
    /// No limits beyond wasmtime's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Caps each linear memory at `bytes`: past it `memory.grow` fails (returns
    /// -1), as a program's allocator expects, and instantiating a module that
    /// needs more fails.
    pub fn max_memory(mut self, bytes: usize) -> Self {
        self.max_memory = Some(bytes);
        self
    }

    /// Lets wasm code use up to `bytes` of stack (wasmtime's `max_wasm_stack`);
    /// deeper calls trap with "call stack exhausted". Go's own runner gives Go
    /// programs 8 MiB. Zero is refused by `Engine::new`.
    ///
    /// Wasm runs on the stack of the thread that calls into it, so that
    /// thread needs [`Limits::thread_stack_size`] bytes: with less, a deep
    /// recursion would crash the process instead of trapping.
    pub fn max_wasm_stack(mut self, bytes: usize) -> Self {
        self.max_wasm_stack = Some(bytes);
        self
    }

    /// The wasm stack limit in effect.
    pub fn wasm_stack(&self) -> usize {
        self.max_wasm_stack.unwrap_or(DEFAULT_MAX_WASM_STACK)
    }

    /// The stack a thread calling into the guest needs: the wasm stack plus
    /// [`HOST_STACK`] for the host's own frames.
    pub fn thread_stack_size(&self) -> usize {
        self.wasm_stack().saturating_add(HOST_STACK)
    }

    /// Sets the engine-wide limits on `config`: the wasm stack, and an async
    /// stack size to match (wasmtime requires it to be at least the wasm stack,
    /// even for synchronous calls). Compiled code does not depend on either, so
    /// a module compiled under one stack limit runs correctly under another.
    pub fn configure(&self, config: &mut wasmtime::Config) {
        if self.max_wasm_stack.is_some() {
            config.max_wasm_stack(self.wasm_stack()).async_stack_size(self.thread_stack_size());
        }
    }

    /// The per-store limits, for `store.limiter(|data| &mut data.limits)`.
    pub fn store_limits(&self) -> StoreLimits {
        let mut builder = StoreLimitsBuilder::new();
        if let Some(bytes) = self.max_memory {
            builder = builder.memory_size(bytes);
        }
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unset_stack_leaves_the_config_at_wasmtimes_default() {
        let mut config = wasmtime::Config::new();
        Limits::new().configure(&mut config);
        let engine = wasmtime::Engine::new(&config).unwrap();
        assert_eq!(engine.get_max_wasm_stack(), DEFAULT_MAX_WASM_STACK);
        assert_eq!(Limits::new().thread_stack_size(), DEFAULT_MAX_WASM_STACK + HOST_STACK);
    }

    #[test]
    fn a_stack_larger_than_the_default_async_stack_makes_a_valid_engine() {
        let limits = Limits::new().max_wasm_stack(64 << 20);
        let mut config = wasmtime::Config::new();
        limits.configure(&mut config);
        let engine = wasmtime::Engine::new(&config).expect("async_stack_size follows max_wasm_stack");
        assert_eq!(engine.get_max_wasm_stack(), 64 << 20);
        assert_eq!(limits.thread_stack_size(), (64 << 20) + HOST_STACK);
    }
}
