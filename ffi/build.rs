//! Gives libchatlife.so an ELF soname, so programs linked against it record the
//! ABI version they need. Within 0.x a minor version may break the ABI, so the
//! soname carries major.minor there and only the major from 1.0 on.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets the version");
    let abi = if major == "0" { format!("0.{minor}") } else { major };
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libchatlife.so.{abi}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
