//! The container's mounts as the guest's preopened directories.
//!
//! Inside the container's process the mount table is the container's own
//! (youki's libcontainer set it up from the OCI spec and changed root into
//! it), so `/proc/self/mountinfo` lists exactly what the container was
//! given: its root file system, bind mounts and volumes, and the kernel
//! interfaces (`/proc`, `/sys`, `/dev`). Each mount of a directory outside
//! the kernel interfaces becomes a preopen at its own path, read-only when the
//! mount is (the kernel refuses writes there with EROFS; capwasi refuses them
//! first with ENOTCAPABLE, as for `--dir HOST::GUEST::ro`). A guest names
//! `/data/f` and wasi-libc resolves it beneath the longest preopen, `/data`,
//! so a read-only mount inside a writable root stays read-only to the guest.

/// A mount the guest gets as a preopen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// Where it is mounted, which is also its name in the guest.
    pub path: String,
    /// Mounted read-only (the mount's own flags or its file system's).
    pub read_only: bool,
}

/// Kernel interfaces a container gets mounted, which are not the guest's files.
const KERNEL_INTERFACES: &[&str] = &["/proc", "/sys", "/dev"];

/// The mounts in `mountinfo` (the text of `/proc/self/mountinfo`) that become
/// preopens, in mount order; where mounts are stacked on one path, the
/// topmost. Lines that cannot be read are skipped.
pub fn preopens(mountinfo: &str) -> Vec<Mount> {
    let mut mounts: Vec<Mount> = Vec::new();
    for line in mountinfo.lines() {
        let Some(mount) = parse_line(line) else { continue };
        if is_kernel_interface(&mount.path) {
            continue;
        }
        mounts.retain(|m| m.path != mount.path);
        mounts.push(mount);
    }
    mounts
}

fn is_kernel_interface(path: &str) -> bool {
    KERNEL_INTERFACES
        .iter()
        .any(|dir| path.strip_prefix(dir).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// One line of mountinfo (proc(5)): `ID PARENT MAJ:MIN ROOT MOUNT_POINT
/// MOUNT_OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS`.
fn parse_line(line: &str) -> Option<Mount> {
    let (before, after) = line.split_once(" - ")?;
    let fields: Vec<&str> = before.split(' ').collect();
    let path = unescape(fields.get(4)?);
    let mount_options = fields.get(5)?;
    let super_options = after.split(' ').nth(2).unwrap_or("");
    let read_only = [mount_options, &super_options].iter().any(|options| options.split(',').any(|o| o == "ro"));
    Some(Mount { path, read_only })
}

/// Undoes mountinfo's octal escapes (`\040` for a space, `\011`, `\012`, `\134`).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal =
            bytes.get(i + 1..i + 4).filter(|d| bytes[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match octal {
            Some(d) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    // A container's table as youki leaves it (ctr run with a read-only bind mount).
    const CONTAINER: &str = "\
1158 1043 0:97 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w
1159 1158 0:99 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
1160 1158 0:100 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
1161 1160 0:101 / /dev/pts rw,nosuid,noexec,relatime - devpts devpts rw,gid=5,mode=620
1165 1158 0:103 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro
1166 1165 0:30 / /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory
1170 1158 8:1 /srv/shared /data ro,relatime - ext4 /dev/sda1 rw
1171 1158 8:1 /srv/scratch /scratch\\040dir rw,relatime - ext4 /dev/sda1 rw
1172 1158 8:1 /etc/hosts /etc/hosts rw,relatime - ext4 /dev/sda1 rw
1173 1158 0:104 / /process rw - proc proc rw
";

    fn mount(path: &str, read_only: bool) -> Mount {
        Mount { path: path.into(), read_only }
    }

    #[test]
    fn the_root_and_bind_mounts_are_preopens_with_their_read_only_flag() {
        assert_eq!(
            preopens(CONTAINER),
            [
                mount("/", false),
                mount("/data", true),
                mount("/scratch dir", false),
                mount("/etc/hosts", false),
                mount("/process", false),
            ]
        );
    }

    #[test]
    fn kernel_interfaces_are_left_out_but_not_paths_that_only_share_their_prefix() {
        let paths: Vec<String> = preopens(CONTAINER).into_iter().map(|m| m.path).collect();
        for kernel in ["/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup/memory"] {
            assert!(!paths.iter().any(|p| p == kernel), "{kernel} in {paths:?}");
        }
        assert!(paths.contains(&"/process".to_string()));
    }

    #[test]
    fn a_read_only_file_system_makes_a_read_only_mount() {
        assert_eq!(preopens("1 0 8:1 / / rw,relatime - squashfs /dev/loop0 ro\n"), [mount("/", true)]);
    }

    #[test]
    fn the_topmost_of_stacked_mounts_counts() {
        let stacked = "1 0 8:1 / / rw - ext4 /dev/a rw\n2 1 8:2 / /data rw - ext4 /dev/b rw\n3 2 8:3 / /data ro - ext4 /dev/c rw\n";
        assert_eq!(preopens(stacked), [mount("/", false), mount("/data", true)]);
    }

    #[test]
    fn unreadable_lines_are_skipped() {
        assert_eq!(preopens("garbage\n1 0 8:1 / / rw - ext4 /dev/a rw\n"), [mount("/", false)]);
    }
}
