//! WebKitGTK draws with its DMA-BUF renderer, which needs a DRM render node
//! (`/dev/dri/renderD*`). Without one — a VM without GPU passthrough, a remote session, Xvfb —
//! WebKit probes that path and falls back to shared memory, and on such machines about half of
//! the starts stalled ≈0.5 s before the page answered (`scripts/bench-app.sh`: 5 of 10 starts
//! without this, 1 of 10 with it; the bare Tauri app behaved the same). So when the machine has
//! no render node, pick the fallback up front. An admin's own setting of the variable wins.

use std::path::Path;

const VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// Call first in `main`, before any thread exists.
pub fn skip_dmabuf_probe_without_render_node() {
    if cfg!(target_os = "linux")
        && should_skip(std::env::var_os(VAR).is_some(), Path::new("/dev/dri"))
    {
        // SAFETY: called at the top of `main`, before Tauri, GTK or any other thread starts,
        // so nothing reads the environment concurrently.
        unsafe { std::env::set_var(VAR, "1") };
    }
}

/// Whether to turn the DMA-BUF renderer off: only when the admin has not set the variable and
/// `dri` holds no `renderD*` node.
fn should_skip(already_set: bool, dri: &Path) -> bool {
    if already_set {
        return false;
    }
    let has_render_node = std::fs::read_dir(dri)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false);
    !has_render_node
}

#[cfg(test)]
mod tests {
    use super::should_skip;

    #[test]
    fn only_machines_without_a_render_node_skip_the_probe() {
        let dir = std::env::temp_dir().join(format!("preflight-dri-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(should_skip(false, &dir), "no /dev/dri at all");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("card0"), b"").unwrap();
        assert!(should_skip(false, &dir), "a card but no render node");
        std::fs::write(dir.join("renderD128"), b"").unwrap();
        assert!(!should_skip(false, &dir), "a render node: keep DMA-BUF");
        std::fs::remove_file(dir.join("renderD128")).unwrap();
        assert!(!should_skip(true, &dir), "the admin's own setting wins");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
