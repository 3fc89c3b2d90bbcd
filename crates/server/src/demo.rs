//! Demo accounts for a first run: when the database has no users, `serve` creates a
//! policyholder and a support agent with random passwords and prints them once.

use portal_core::auth::NewAccount;
use portal_core::email::Email;
use portal_core::password::Password;
use portal_core::random::{self, SecureRandom};
use portal_core::user::{DisplayName, Role};
use portal_core::{Portal, RequestContext};

pub struct DemoLogin {
    pub role: Role,
    pub email: String,
    pub password: String,
}

/// `xxxx-xxxx-xxxx-xxxx` from an alphabet without look-alikes (no 0/o, 1/l/i).
fn readable_password(rng: &dyn SecureRandom) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bound = u32::try_from(ALPHABET.len()).unwrap_or(1);
    (0..4)
        .map(|_| (0..4).map(|_| char::from(ALPHABET[random::below(rng, bound) as usize])).collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

pub async fn seed_if_empty(portal: &Portal) -> anyhow::Result<Vec<DemoLogin>> {
    if portal.store.count_users().await? > 0 {
        return Ok(Vec::new());
    }
    let mut logins = Vec::new();
    for (role, email, name) in [
        (Role::Policyholder, "demo@example.com", "Dana Demo"),
        (Role::Support, "support.agent@example.com", "Sam Support"),
    ] {
        let password = readable_password(portal.rng.as_ref());
        portal
            .create_account(
                NewAccount {
                    email: Email::parse(email)?,
                    name: DisplayName::parse(name)?,
                    role,
                    password: Password::new_checked(password.clone())?,
                    created_at: None,
                },
                "system:demo-seed",
                &RequestContext::cli(),
            )
            .await?;
        logins.push(DemoLogin { role, email: email.to_owned(), password });
    }
    Ok(logins)
}
