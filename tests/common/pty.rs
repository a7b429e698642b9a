//! Pseudo-terminals for tests of terminal input.

/// Opens a pseudo-terminal pair: (master, slave). The slave is `/dev/pts/N`.
pub fn openpty() -> (std::fs::File, std::fs::File) {
    use std::os::unix::fs::OpenOptionsExt;
    const O_NOCTTY: i32 = 0o400;
    const TIOCSPTLCK: rustix::ioctl::Opcode = 0x4004_5431;
    const TIOCGPTN: rustix::ioctl::Opcode = 0x8004_5430;
    let master = std::fs::OpenOptions::new().read(true).write(true).custom_flags(O_NOCTTY).open("/dev/ptmx").unwrap();
    // SAFETY: TIOCSPTLCK takes a pointer to an int; TIOCGPTN writes an int.
    let number: i32 = unsafe {
        rustix::ioctl::ioctl(&master, rustix::ioctl::Setter::<TIOCSPTLCK, i32>::new(0)).unwrap();
        rustix::ioctl::ioctl(&master, rustix::ioctl::Getter::<TIOCGPTN, i32>::new()).unwrap()
    };
    let slave = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(O_NOCTTY)
        .open(format!("/dev/pts/{number}"))
        .unwrap();
    (master, slave)
}
