// The message files are read into the binary at compile time; a new file (not only a changed
// one) must rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
