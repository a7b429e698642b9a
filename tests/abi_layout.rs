//! The witx in `witx/` must describe preview1 exactly: every size, offset and
//! constant here is the one wasi-libc's `wasi/api.h` fixes, and every function
//! links with its exact wasm signature.

use capwasi::bindings::types::*;
use wiggle::GuestType;

fn size<T: GuestType>() -> u32 {
    T::guest_size()
}

#[test]
fn record_sizes_match_the_abi() {
    assert_eq!(size::<Iovec>(), 8);
    assert_eq!(size::<Ciovec>(), 8);
    assert_eq!(size::<Dirent>(), 24);
    assert_eq!(size::<Fdstat>(), 24);
    assert_eq!(size::<Filestat>(), 64);
    assert_eq!(size::<EventFdReadwrite>(), 16);
    assert_eq!(size::<Event>(), 32);
    assert_eq!(size::<SubscriptionClock>(), 32);
    assert_eq!(size::<SubscriptionFdReadwrite>(), 4);
    assert_eq!(size::<SubscriptionU>(), 40);
    assert_eq!(size::<Subscription>(), 48);
    assert_eq!(size::<PrestatDir>(), 4);
    assert_eq!(size::<Prestat>(), 8);
}

#[test]
fn scalar_sizes_match_the_abi() {
    assert_eq!(size::<Size>(), 4);
    assert_eq!(size::<Filesize>(), 8);
    assert_eq!(size::<Timestamp>(), 8);
    assert_eq!(size::<Clockid>(), 4);
    assert_eq!(size::<Errno>(), 2);
    assert_eq!(size::<Rights>(), 8);
    assert_eq!(size::<Fd>(), 4);
    assert_eq!(size::<Whence>(), 1);
    assert_eq!(size::<Filetype>(), 1);
    assert_eq!(size::<Advice>(), 1);
    assert_eq!(size::<Fdflags>(), 2);
    assert_eq!(size::<Fstflags>(), 2);
    assert_eq!(size::<Lookupflags>(), 4);
    assert_eq!(size::<Oflags>(), 2);
    assert_eq!(size::<Eventtype>(), 1);
    assert_eq!(size::<Eventrwflags>(), 2);
    assert_eq!(size::<Subclockflags>(), 2);
    assert_eq!(size::<Signal>(), 1);
    assert_eq!(size::<Riflags>(), 2);
    assert_eq!(size::<Roflags>(), 2);
    assert_eq!(size::<Siflags>(), 2);
    assert_eq!(size::<Sdflags>(), 1);
    assert_eq!(size::<Preopentype>(), 1);
}

#[test]
fn record_offsets_match_the_abi() {
    assert_eq!((Iovec::offset_of_buf(), Iovec::offset_of_buf_len()), (0, 4));
    assert_eq!(
        [
            Dirent::offset_of_d_next(),
            Dirent::offset_of_d_ino(),
            Dirent::offset_of_d_namlen(),
            Dirent::offset_of_d_type()
        ],
        [0, 8, 16, 20]
    );
    assert_eq!(
        [
            Fdstat::offset_of_fs_filetype(),
            Fdstat::offset_of_fs_flags(),
            Fdstat::offset_of_fs_rights_base(),
            Fdstat::offset_of_fs_rights_inheriting()
        ],
        [0, 2, 8, 16]
    );
    assert_eq!(
        [
            Filestat::offset_of_dev(),
            Filestat::offset_of_ino(),
            Filestat::offset_of_filetype(),
            Filestat::offset_of_nlink(),
            Filestat::offset_of_size(),
            Filestat::offset_of_atim(),
            Filestat::offset_of_mtim(),
            Filestat::offset_of_ctim()
        ],
        [0, 8, 16, 24, 32, 40, 48, 56]
    );
    assert_eq!(
        [
            Event::offset_of_userdata(),
            Event::offset_of_error(),
            Event::offset_of_type_(),
            Event::offset_of_fd_readwrite()
        ],
        [0, 8, 10, 16]
    );
    assert_eq!((EventFdReadwrite::offset_of_nbytes(), EventFdReadwrite::offset_of_flags()), (0, 8));
    assert_eq!(
        [
            SubscriptionClock::offset_of_id(),
            SubscriptionClock::offset_of_timeout(),
            SubscriptionClock::offset_of_precision(),
            SubscriptionClock::offset_of_flags()
        ],
        [0, 8, 16, 24]
    );
    assert_eq!((Subscription::offset_of_userdata(), Subscription::offset_of_u()), (0, 8));
}

#[test]
fn constants_match_the_abi() {
    assert_eq!(Errno::Success as u16, 0);
    assert_eq!(Errno::TooBig as u16, 1);
    assert_eq!(Errno::Badf as u16, 8);
    assert_eq!(Errno::Inval as u16, 28);
    assert_eq!(Errno::Noent as u16, 44);
    assert_eq!(Errno::Nosys as u16, 52);
    assert_eq!(Errno::Xdev as u16, 75);
    assert_eq!(Errno::Notcapable as u16, 76);
    assert_eq!(Rights::FD_DATASYNC.bits(), 1);
    assert_eq!(Rights::PATH_OPEN.bits(), 1 << 13);
    assert_eq!(Rights::SOCK_SHUTDOWN.bits(), 1 << 28);
    assert_eq!(Rights::SOCK_ACCEPT.bits(), 1 << 29);
    assert_eq!(Fdflags::SYNC.bits(), 1 << 4);
    assert_eq!(Oflags::TRUNC.bits(), 1 << 3);
    assert_eq!(Fstflags::MTIM_NOW.bits(), 1 << 3);
    assert_eq!(Signal::Sys as u8, 30);
    assert_eq!(Filetype::SymbolicLink as u8, 7);
    assert_eq!(Clockid::ThreadCputimeId as u32, 3);
}

/// Every preview1 function with its exact wasm signature, as wasi-libc and
/// Rust's std import it.
const ALL_IMPORTS: &[(&str, &str)] = &[
    ("args_get", "(param i32 i32) (result i32)"),
    ("args_sizes_get", "(param i32 i32) (result i32)"),
    ("environ_get", "(param i32 i32) (result i32)"),
    ("environ_sizes_get", "(param i32 i32) (result i32)"),
    ("clock_res_get", "(param i32 i32) (result i32)"),
    ("clock_time_get", "(param i32 i64 i32) (result i32)"),
    ("fd_advise", "(param i32 i64 i64 i32) (result i32)"),
    ("fd_allocate", "(param i32 i64 i64) (result i32)"),
    ("fd_close", "(param i32) (result i32)"),
    ("fd_datasync", "(param i32) (result i32)"),
    ("fd_fdstat_get", "(param i32 i32) (result i32)"),
    ("fd_fdstat_set_flags", "(param i32 i32) (result i32)"),
    ("fd_fdstat_set_rights", "(param i32 i64 i64) (result i32)"),
    ("fd_filestat_get", "(param i32 i32) (result i32)"),
    ("fd_filestat_set_size", "(param i32 i64) (result i32)"),
    ("fd_filestat_set_times", "(param i32 i64 i64 i32) (result i32)"),
    ("fd_pread", "(param i32 i32 i32 i64 i32) (result i32)"),
    ("fd_prestat_get", "(param i32 i32) (result i32)"),
    ("fd_prestat_dir_name", "(param i32 i32 i32) (result i32)"),
    ("fd_pwrite", "(param i32 i32 i32 i64 i32) (result i32)"),
    ("fd_read", "(param i32 i32 i32 i32) (result i32)"),
    ("fd_readdir", "(param i32 i32 i32 i64 i32) (result i32)"),
    ("fd_renumber", "(param i32 i32) (result i32)"),
    ("fd_seek", "(param i32 i64 i32 i32) (result i32)"),
    ("fd_sync", "(param i32) (result i32)"),
    ("fd_tell", "(param i32 i32) (result i32)"),
    ("fd_write", "(param i32 i32 i32 i32) (result i32)"),
    ("path_create_directory", "(param i32 i32 i32) (result i32)"),
    ("path_filestat_get", "(param i32 i32 i32 i32 i32) (result i32)"),
    ("path_filestat_set_times", "(param i32 i32 i32 i32 i64 i64 i32) (result i32)"),
    ("path_link", "(param i32 i32 i32 i32 i32 i32 i32) (result i32)"),
    ("path_open", "(param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)"),
    ("path_readlink", "(param i32 i32 i32 i32 i32 i32) (result i32)"),
    ("path_remove_directory", "(param i32 i32 i32) (result i32)"),
    ("path_rename", "(param i32 i32 i32 i32 i32 i32) (result i32)"),
    ("path_symlink", "(param i32 i32 i32 i32 i32) (result i32)"),
    ("path_unlink_file", "(param i32 i32 i32) (result i32)"),
    ("poll_oneoff", "(param i32 i32 i32 i32) (result i32)"),
    ("proc_exit", "(param i32)"),
    ("proc_raise", "(param i32) (result i32)"),
    ("sched_yield", "(result i32)"),
    ("random_get", "(param i32 i32) (result i32)"),
    ("sock_accept", "(param i32 i32 i32) (result i32)"),
    ("sock_recv", "(param i32 i32 i32 i32 i32 i32) (result i32)"),
    ("sock_send", "(param i32 i32 i32 i32 i32) (result i32)"),
    ("sock_shutdown", "(param i32 i32) (result i32)"),
];

#[test]
fn every_preview1_function_links_with_its_exact_signature() {
    assert_eq!(ALL_IMPORTS.len(), 46, "45 functions of the original snapshot plus sock_accept");
    let imports: String = ALL_IMPORTS
        .iter()
        .map(|(name, sig)| format!("(import \"wasi_snapshot_preview1\" \"{name}\" (func {sig}))\n"))
        .collect();
    let wat = format!("(module {imports} (memory (export \"memory\") 1))");
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::new(&engine, wat).expect("module parses");
    let mut linker: wasmtime::Linker<capwasi::WasiCtx> = wasmtime::Linker::new(&engine);
    capwasi::add_to_linker(&mut linker, |ctx| ctx).unwrap();
    let mut store = wasmtime::Store::new(&engine, capwasi::WasiCtx::builder().build().unwrap());
    linker.instantiate(&mut store, &module).expect("every import links");
}

#[test]
fn a_wrong_signature_does_not_link() {
    let wat = r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32) (result i32))))"#;
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::new(&engine, wat).unwrap();
    let mut linker: wasmtime::Linker<capwasi::WasiCtx> = wasmtime::Linker::new(&engine);
    capwasi::add_to_linker(&mut linker, |ctx| ctx).unwrap();
    let mut store = wasmtime::Store::new(&engine, capwasi::WasiCtx::builder().build().unwrap());
    let err = linker.instantiate(&mut store, &module).expect_err("must not link");
    assert!(format!("{err:#}").contains("fd_write"), "{err:#}");
}

/// Snapshot 0 (`wasi_unstable`): the layouts and numbering its public witx
/// fixes, where they differ from preview1's (whence, filestat, the clock
/// subscription) and where they do not (dirent, event, errnos).
mod snapshot0 {
    use capwasi::snapshot0::bindings::types::*;

    use super::size;

    #[test]
    fn record_sizes_match_snapshot0() {
        assert_eq!(size::<Iovec>(), 8);
        assert_eq!(size::<Ciovec>(), 8);
        assert_eq!(size::<Dirent>(), 24);
        assert_eq!(size::<Fdstat>(), 24);
        assert_eq!(size::<Filestat>(), 56);
        assert_eq!(size::<EventFdReadwrite>(), 16);
        assert_eq!(size::<Event>(), 32);
        assert_eq!(size::<SubscriptionClock>(), 40);
        assert_eq!(size::<SubscriptionFdReadwrite>(), 4);
        assert_eq!(size::<SubscriptionU>(), 48);
        assert_eq!(size::<Subscription>(), 56);
        assert_eq!(size::<Prestat>(), 8);
        assert_eq!(size::<Linkcount>(), 4);
        assert_eq!(size::<Whence>(), 1);
    }

    #[test]
    fn record_offsets_match_snapshot0() {
        assert_eq!(
            [
                Filestat::offset_of_dev(),
                Filestat::offset_of_ino(),
                Filestat::offset_of_filetype(),
                Filestat::offset_of_nlink(),
                Filestat::offset_of_size(),
                Filestat::offset_of_atim(),
                Filestat::offset_of_mtim(),
                Filestat::offset_of_ctim()
            ],
            [0, 8, 16, 20, 24, 32, 40, 48]
        );
        assert_eq!(
            [
                SubscriptionClock::offset_of_identifier(),
                SubscriptionClock::offset_of_id(),
                SubscriptionClock::offset_of_timeout(),
                SubscriptionClock::offset_of_precision(),
                SubscriptionClock::offset_of_flags()
            ],
            [0, 8, 16, 24, 32]
        );
        assert_eq!((Subscription::offset_of_userdata(), Subscription::offset_of_u()), (0, 8));
        assert_eq!(
            [
                Dirent::offset_of_d_next(),
                Dirent::offset_of_d_ino(),
                Dirent::offset_of_d_namlen(),
                Dirent::offset_of_d_type()
            ],
            [0, 8, 16, 20]
        );
        assert_eq!(
            [
                Event::offset_of_userdata(),
                Event::offset_of_error(),
                Event::offset_of_type_(),
                Event::offset_of_fd_readwrite()
            ],
            [0, 8, 10, 16]
        );
    }

    #[test]
    fn whence_is_numbered_cur_end_set() {
        assert_eq!([Whence::Cur as u8, Whence::End as u8, Whence::Set as u8], [0, 1, 2]);
    }

    #[test]
    fn errnos_and_flags_are_numbered_as_in_preview1() {
        use capwasi::bindings::types as p1;
        for n in 0..=76u16 {
            let (s0, p1) = (Errno::try_from(n).unwrap(), p1::Errno::try_from(n).unwrap());
            assert_eq!(format!("{s0:?}"), format!("{p1:?}"), "errno {n}");
        }
        assert!(Errno::try_from(77u16).is_err());
        assert_eq!(Rights::all().bits(), (1 << 29) - 1, "SOCK_SHUTDOWN is the last right; no SOCK_ACCEPT");
        assert_eq!(Rights::all().bits() | p1::Rights::SOCK_ACCEPT.bits(), p1::Rights::all().bits());
        assert_eq!(Oflags::all().bits(), p1::Oflags::all().bits());
        assert_eq!(Fdflags::all().bits(), p1::Fdflags::all().bits());
        assert_eq!(Clockid::ThreadCputimeId as u32, 3);
        assert_eq!(Signal::Sys as u8, 30);
    }

    /// The 45 functions of snapshot 0 (preview1's less sock_accept), with
    /// their exact wasm signatures.
    #[test]
    fn every_snapshot0_function_links_with_its_exact_signature() {
        let imports: String = super::ALL_IMPORTS
            .iter()
            .filter(|(name, _)| *name != "sock_accept")
            .map(|(name, sig)| format!("(import \"wasi_unstable\" \"{name}\" (func {sig}))\n"))
            .collect();
        let wat = format!("(module {imports} (memory (export \"memory\") 1))");
        let engine = wasmtime::Engine::default();
        let module = wasmtime::Module::new(&engine, wat).expect("module parses");
        assert_eq!(module.imports().len(), 45);
        let mut linker: wasmtime::Linker<capwasi::WasiCtx> = wasmtime::Linker::new(&engine);
        capwasi::add_wasi_unstable_to_linker(&mut linker, |ctx| ctx).unwrap();
        let mut store = wasmtime::Store::new(&engine, capwasi::WasiCtx::builder().build().unwrap());
        linker.instantiate(&mut store, &module).expect("every import links");
        let accept = r#"(module (import "wasi_unstable" "sock_accept" (func (param i32 i32 i32) (result i32))))"#;
        let module = wasmtime::Module::new(&engine, accept).unwrap();
        assert!(linker.instantiate(&mut store, &module).is_err(), "snapshot 0 has no sock_accept");
    }
}
