//! `sqlx::migrate!` embeds the migrations when the crate compiles; without this, a new or
//! changed migration would not rebuild the crate, and a binary would carry the old set.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
