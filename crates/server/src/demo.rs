//! Demo data for a local trial: when the database has no users and the portal is plainly a
//! trial on the operator's own machine, `serve` creates a policyholder, an adjuster and a
//! support agent with random passwords (printed once), and a draft claim the adjuster opened for
//! the policyholder with a few items in three rooms, so every part of the portal has something
//! to show. Anywhere else the first start creates nothing: printed passwords of a support
//! account on a reachable server would let whoever reads the log first take it over.

use std::net::{IpAddr, SocketAddr};

use portal_core::auth::NewAccount;
use portal_core::email::Email;
use portal_core::inventory::NewClaim;
use portal_core::password::NewPassword;
use portal_core::random::{self, SecureRandom};
use portal_core::user::{DisplayName, Role, User};
use portal_core::{Portal, RequestContext};

pub const DEMO_CLAIM_NUMBER: &str = "CLM-DEMO-0001";

/// The demo inventory, in the CSV import format (the columns of the CSV download).
const DEMO_ITEMS: &str = "\
room,description,brand,model,quantity,age_years,age_months,condition,replacement_cost,business_use,category,notes
Living room,Television 55 inch,Samsung,QN55Q60,1,2,3,good,799.99,no,Electronics,Wall-mounted above the fireplace
Living room,Sofa 3-seat,IKEA,Kivik,1,5,0,fair,899.00,no,Furniture,
Living room,Area rug 8x10,,,1,3,0,good,249.50,no,Furnishings,Smoke damage
Kitchen,Stand mixer,KitchenAid,KSM150,1,4,6,good,429.99,no,Appliances,
Kitchen,Dinner plates,Corelle,,12,6,0,good,8.99,no,Kitchenware,Set of twelve
Bedroom,Queen mattress,Tempur-Pedic,ProAdapt,1,1,8,like_new,2199.00,no,Furniture,
Bedroom,Winter coat,Patagonia,,2,2,0,good,229.00,no,Clothing,
Bedroom,Laptop,Apple,MacBook Air M2,1,1,0,like_new,1199.00,yes,Electronics,Used for work
";

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

/// A local trial: users reach the portal at a plain `http://` URL on a loopback host, and the
/// listener is bound to a loopback address, so nobody but this machine's users can reach it.
/// `https://`, any other host, or a listener on `0.0.0.0` or a LAN address is a deployment.
pub fn is_local_trial(public_url: &str, bound: SocketAddr) -> bool {
    let Ok(url) = url::Url::parse(public_url) else { return false };
    let loopback_host = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    url.scheme() == "http" && loopback_host && is_loopback(bound.ip())
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

/// What the first start found or did.
pub enum FirstStart {
    /// The database already has accounts: nothing to do.
    HasAccounts,
    /// Demo accounts were created; their passwords, to print once.
    Demo(Vec<DemoLogin>),
    /// An empty database that is not a trial: no account was created.
    NoAccounts,
}

/// On an empty database, seeds the demo when `demo` allows it (a local trial with demo data
/// not turned off).
pub async fn first_start(portal: &Portal, demo: bool) -> anyhow::Result<FirstStart> {
    if portal.count_users().await? > 0 {
        return Ok(FirstStart::HasAccounts);
    }
    if !demo {
        return Ok(FirstStart::NoAccounts);
    }
    Ok(FirstStart::Demo(seed(portal).await?))
}

async fn seed(portal: &Portal) -> anyhow::Result<Vec<DemoLogin>> {
    let mut logins = Vec::new();
    let mut accounts = Vec::new();
    for (role, email, name) in [
        (Role::Policyholder, "demo@example.com", "Dana Demo"),
        (Role::Adjuster, "adjuster@example.com", "Alex Adjuster"),
        (Role::Support, "support.agent@example.com", "Sam Support"),
    ] {
        let password = readable_password(portal.rng());
        let (email_address, display_name) = (Email::parse(email)?, DisplayName::parse(name)?);
        let checked = NewPassword::check(&password, &portal.password_context(&email_address, &display_name))?;
        let user = portal
            .create_account(
                NewAccount {
                    email: email_address,
                    name: display_name,
                    role,
                    password: checked,
                    created_at: None,
                    demo: true,
                },
                "system:demo-seed",
                &RequestContext::cli(),
            )
            .await?;
        accounts.push(user);
        logins.push(DemoLogin { role, email: email.to_owned(), password });
    }
    let [policyholder, adjuster, _] = accounts.as_slice() else {
        anyhow::bail!("the demo accounts were not all created");
    };
    // The logins are printed whatever happens next: the accounts exist now, and a second start
    // seeds nothing, so a failed demo claim must not lose them.
    if let Err(e) = seed_demo_claim(portal, policyholder, adjuster).await {
        tracing::warn!(error = %e, "could not create the demo claim; the demo logins work without it");
    }
    Ok(logins)
}

/// Through the same use-cases as the pages, so the demo claim is audited like any other.
async fn seed_demo_claim(portal: &Portal, policyholder: &User, adjuster: &User) -> anyhow::Result<()> {
    let ctx = RequestContext::cli();
    let loss_date = portal.now().date() - time::Duration::days(12);
    let invite = portal
        .open_claim(
            adjuster,
            NewClaim {
                claim_number: DEMO_CLAIM_NUMBER.to_owned(),
                loss_date: loss_date.to_string(),
                loss_address: "12 Elm Street, Springfield, IL 62701".to_owned(),
                policyholder_email: policyholder.email.as_str().to_owned(),
                policyholder_name: policyholder.name.as_str().to_owned(),
            },
            &ctx,
        )
        .await
        .map_err(|e| anyhow::anyhow!("opening the demo claim: {e}"))?;
    portal
        .import_csv(policyholder, &invite.claim.id, DEMO_ITEMS.as_bytes(), false, &ctx)
        .await
        .map_err(|e| anyhow::anyhow!("adding the demo items: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_local_trial;

    #[test]
    fn only_plain_http_on_a_loopback_host_and_listener_is_a_local_trial() {
        let local = "127.0.0.1:8080".parse().unwrap();
        let v6_local = "[::1]:8080".parse().unwrap();
        let everywhere = "0.0.0.0:8080".parse().unwrap();
        let lan = "192.168.1.20:8080".parse().unwrap();
        for url in ["http://127.0.0.1:8080", "http://localhost:8080/", "http://LOCALHOST", "http://127.0.0.2:9000"] {
            assert!(is_local_trial(url, local), "{url}");
        }
        assert!(is_local_trial("http://[::1]:8080", v6_local));
        for url in [
            "https://127.0.0.1:8080",
            "https://localhost",
            "https://portal.example.com",
            "http://portal.example.com",
            "http://192.168.1.20:8080",
            "http://localhost.example.com",
            "not a url",
        ] {
            assert!(!is_local_trial(url, local), "{url}");
        }
        assert!(!is_local_trial("http://0.0.0.0:8080", everywhere), "the default URL of a listener on every address");
        assert!(!is_local_trial("http://localhost:8080", everywhere), "a loopback URL does not hide an open listener");
        assert!(!is_local_trial("http://127.0.0.1:8080", lan));
    }
}
