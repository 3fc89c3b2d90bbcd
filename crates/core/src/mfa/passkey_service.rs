//! Passkey use-cases on `Portal`: adding one (at first-sign-in setup or later), using one as the
//! second step, "Sign in with a passkey" without a password, and naming and removing them. The
//! front ends pass the browser's JSON through; webauthn-rs checks it; the store makes the
//! winning write atomic with the ceremony's claim, so a ceremony finishes once.

use serde_json::Value;
use time::OffsetDateTime;
use tracing::{info, warn};
use webauthn_rs::prelude::{PublicKeyCredential, RegisterPublicKeyCredential, Webauthn, WebauthnError};

use super::factor::{PasskeyUse, SecondFactorProof, SecondFactorState};
use super::passkey::{self, Ceremony, CeremonyKind, PasskeyName, StoredPasskey};
use super::policy::Method;
use super::service::{MfaCompleted, MfaError};
use crate::audit::{AuditEvent, Outcome, action};
use crate::notice::SignInNotice;
use crate::session::{AuthLevel, Session, SessionToken};
use crate::user::User;
use crate::{InternalError, Portal, RequestContext};

/// A started ceremony: the options for the browser, and the sealed state for its cookie.
#[derive(Debug)]
pub struct PasskeyChallenge {
    pub options: Value,
    pub sealed: String,
}

/// A passkey as the user sees it.
#[derive(Debug, Clone)]
pub struct PasskeySummary {
    pub id: String,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

impl From<&StoredPasskey> for PasskeySummary {
    fn from(p: &StoredPasskey) -> Self {
        Self { id: p.id.clone(), name: p.name.clone(), created_at: p.created_at, last_used_at: p.last_used_at }
    }
}

/// A passkey added: the session it signed in (or stepped up), and the passkey.
#[derive(Debug)]
pub struct PasskeyAdded {
    pub completed: MfaCompleted,
    pub passkey: PasskeySummary,
    /// The session was half signed in (first-sign-in setup) and is now fully signed in.
    pub was_setup: bool,
}

/// A passwordless sign-in: the new session and its user.
#[derive(Debug)]
pub struct PasskeySignIn {
    pub user: User,
    pub token: SessionToken,
    pub session: Session,
}

impl Portal {
    fn relying_party(&self) -> Result<&Webauthn, MfaError> {
        self.webauthn.as_deref().ok_or(MfaError::PasskeysUnavailable)
    }

    /// Whether this portal offers passkeys (its public URL has a host name).
    pub fn passkeys_offered(&self) -> bool {
        self.webauthn.is_some()
    }

    fn open_ceremony(&self, sealed: Option<&str>) -> Result<Ceremony, MfaError> {
        sealed.and_then(|s| Ceremony::open(s, &self.secret_key, self.clock.now())).ok_or(MfaError::PasskeyExpired)
    }

    /// The ceremony this browser started in `session` (register, verify): one started in another
    /// session, or in none, is treated as expired.
    fn session_ceremony(&self, sealed: Option<&str>, session: &Session) -> Result<Ceremony, MfaError> {
        let ceremony = self.open_ceremony(sealed)?;
        if ceremony.session_id.as_deref() == Some(session.id.as_str()) {
            Ok(ceremony)
        } else {
            Err(MfaError::PasskeyExpired)
        }
    }

    fn challenge(&self, options: impl serde::Serialize, ceremony: &Ceremony) -> PasskeyChallenge {
        PasskeyChallenge {
            options: serde_json::to_value(options).unwrap_or_default(),
            sealed: ceremony.seal(&self.secret_key, self.rng.as_ref()),
        }
    }

    /// The user's passkeys, oldest first.
    pub async fn passkeys(&self, user: &User) -> Result<Vec<PasskeySummary>, InternalError> {
        Ok(self.store.passkeys_of(&user.id).await?.iter().map(PasskeySummary::from).collect())
    }

    // ----- Adding ----------------------------------------------------------------------------

    pub async fn passkey_register_start(
        &self,
        session: &Session,
        user: &User,
        name: &PasskeyName,
        ctx: &RequestContext,
    ) -> Result<PasskeyChallenge, MfaError> {
        let webauthn = self.relying_party()?;
        self.ensure_may_set_up(session, user, ctx).await?;
        let existing: Vec<_> = self
            .store
            .passkeys_of(&user.id)
            .await?
            .iter()
            .filter_map(StoredPasskey::passkey)
            .map(|p| p.cred_id().clone())
            .collect();
        let (mut options, state) = webauthn
            .start_passkey_registration(
                passkey::user_handle(&user.id),
                user.email.as_str(),
                user.name.as_str(),
                Some(existing),
            )
            .map_err(|e| InternalError::Webauthn(e.to_string()))?;
        // A discoverable credential, so the same passkey also signs in without a password;
        // webauthn-rs asks for a non-resident one by default and checks the same either way.
        if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
            selection.resident_key = Some(webauthn_rs_proto::ResidentKeyRequirement::Required);
            selection.require_resident_key = true;
        }
        let kind = CeremonyKind::Register { state, name: name.as_str().to_owned() };
        let ceremony = Ceremony::start(Some(session.id.as_str().to_owned()), self.clock.now(), kind, self.rng.as_ref());
        Ok(self.challenge(&options, &ceremony))
    }

    pub async fn passkey_register_finish(
        &self,
        session: &Session,
        user: &User,
        sealed: Option<&str>,
        credential: Value,
        ctx: &RequestContext,
    ) -> Result<PasskeyAdded, MfaError> {
        let webauthn = self.relying_party()?;
        self.ensure_may_set_up(session, user, ctx).await?;
        let ceremony = self.session_ceremony(sealed, session)?;
        let CeremonyKind::Register { state, name } = &ceremony.kind else {
            return Err(MfaError::PasskeyExpired);
        };
        let credential: RegisterPublicKeyCredential =
            serde_json::from_value(credential).map_err(|_| MfaError::PasskeyRefused)?;
        let passkey = match webauthn.finish_passkey_registration(&credential, state) {
            Ok(p) => p,
            Err(e) => {
                self.audit_passkey_refusal(user, "register", &e, ctx).await;
                return Err(MfaError::PasskeyRefused);
            }
        };
        let name = PasskeyName::parse(name).map_err(|_| MfaError::PasskeyRefused)?;
        let now = self.clock.now();
        let stored = StoredPasskey::new(&user.id, &name, &passkey, now, self.rng.as_ref());
        // A credential belongs to one account (webauthn-rs leaves this check to the caller).
        if self.store.passkey_by_cred_id(&stored.cred_id).await?.is_some() {
            self.audit(
                AuditEvent::new(now, action::MFA_PASSKEY_REFUSED, Outcome::Refused, ctx)
                    .actor(user.email.as_str())
                    .subject(Some(&user.id), user.email.as_str())
                    .detail("step", "register")
                    .detail("reason", "credential already registered"),
            )
            .await;
            return Err(MfaError::PasskeyRefused);
        }
        let summary = PasskeySummary::from(&stored);
        let proof = SecondFactorProof::RegisterPasskey {
            ceremony: ceremony.id.clone(),
            ceremony_expires_at: ceremony.expires_at(),
            passkey: stored,
        };
        let was_setup = session.auth_level == AuthLevel::PasswordVerified;
        let completed =
            match self.complete(session, user, Some(Method::Passkey), proof, action::MFA_PASSKEY_ADDED, ctx).await {
                Ok(Some(done)) => done,
                Ok(None) => return Err(MfaError::PasskeyExpired),
                // The same credential registered by a request that won the race.
                Err(MfaError::Internal(InternalError::Store(crate::store::StoreError::Conflict(_)))) => {
                    return Err(MfaError::PasskeyRefused);
                }
                Err(e) => return Err(e),
            };
        self.tell_reader(user, SignInNotice::PasskeyAdded { name: summary.name.clone() }, ctx).await;
        Ok(PasskeyAdded { completed, passkey: summary, was_setup })
    }

    // ----- The second step ---------------------------------------------------------------------

    pub async fn passkey_verify_start(
        &self,
        session: &Session,
        user: &User,
        state: &SecondFactorState,
        ctx: &RequestContext,
    ) -> Result<PasskeyChallenge, MfaError> {
        let webauthn = self.relying_party()?;
        self.ensure_may_verify_now(session, user, state, ctx).await?;
        let keys: Vec<_> = self.store.passkeys_of(&user.id).await?.iter().filter_map(StoredPasskey::passkey).collect();
        if keys.is_empty() {
            return Err(MfaError::NoSuchMethod("passkey"));
        }
        let (options, state) =
            webauthn.start_passkey_authentication(&keys).map_err(|e| InternalError::Webauthn(e.to_string()))?;
        let ceremony = Ceremony::start(
            Some(session.id.as_str().to_owned()),
            self.clock.now(),
            CeremonyKind::Verify { state },
            self.rng.as_ref(),
        );
        Ok(self.challenge(&options, &ceremony))
    }

    pub async fn passkey_verify_finish(
        &self,
        session: &Session,
        user: &User,
        state: &SecondFactorState,
        sealed: Option<&str>,
        credential: Value,
        ctx: &RequestContext,
    ) -> Result<MfaCompleted, MfaError> {
        let result: Result<MfaCompleted, MfaError> = async {
            let webauthn = self.relying_party()?;
            self.ensure_may_verify_now(session, user, state, ctx).await?;
            let ceremony = self.session_ceremony(sealed, session)?;
            let CeremonyKind::Verify { state } = &ceremony.kind else {
                return Err(MfaError::PasskeyExpired);
            };
            let credential: PublicKeyCredential =
                serde_json::from_value(credential).map_err(|_| MfaError::PasskeyRefused)?;
            let result = match webauthn.finish_passkey_authentication(&credential, state) {
                Ok(r) => r,
                Err(e) => return Err(self.passkey_failure(user, "verify", &e, ctx).await),
            };
            let stored = self.store.passkeys_of(&user.id).await?;
            let used = self.updated_passkey(&stored, &result).ok_or(MfaError::PasskeyRefused)?;
            let proof = SecondFactorProof::VerifyPasskey {
                ceremony: ceremony.id.clone(),
                ceremony_expires_at: ceremony.expires_at(),
                used,
            };
            self.complete(session, user, Some(Method::Passkey), proof, action::MFA_VERIFY, ctx)
                .await?
                .ok_or(MfaError::PasskeyExpired)
        }
        .await;
        self.observer.second_factor_checked("passkey", super::service::check_outcome(&result));
        result
    }

    /// The stored passkey the result is for, with its counter and flags moved on.
    fn updated_passkey(
        &self,
        stored: &[StoredPasskey],
        result: &webauthn_rs::prelude::AuthenticationResult,
    ) -> Option<PasskeyUse> {
        let cred_id = passkey::cred_id_text(result.cred_id());
        let found = stored.iter().find(|p| p.cred_id == cred_id)?;
        let mut key = found.passkey()?;
        key.update_credential(result);
        let (counter, _, backup_state) = passkey::flags(&key);
        Some(PasskeyUse {
            passkey_id: found.id.clone(),
            credential: serde_json::to_string(&key).unwrap_or_default(),
            counter,
            backup_state,
        })
    }

    /// A refused assertion: a counter that went back (a cloned authenticator) is audited as such;
    /// every refusal counts in the second-factor throttle like a wrong code.
    async fn passkey_failure(&self, user: &User, step: &str, e: &WebauthnError, ctx: &RequestContext) -> MfaError {
        self.audit_passkey_refusal(user, step, e, ctx).await;
        match self.count_failure(user, "passkey", None, step, ctx).await {
            MfaError::InvalidCode => MfaError::PasskeyRefused,
            other => other,
        }
    }

    async fn audit_passkey_refusal(&self, user: &User, step: &str, e: &WebauthnError, ctx: &RequestContext) {
        let cloned = matches!(e, WebauthnError::CredentialPossibleCompromise);
        if cloned {
            warn!(user = %user.id, "a passkey's counter went back: possibly a cloned authenticator");
        }
        let name = if cloned { action::MFA_PASSKEY_CLONE_SUSPECTED } else { action::MFA_PASSKEY_REFUSED };
        self.audit(
            AuditEvent::new(self.clock.now(), name, Outcome::Refused, ctx)
                .actor(user.email.as_str())
                .subject(Some(&user.id), user.email.as_str())
                .detail("step", step)
                .detail("reason", e.to_string()),
        )
        .await;
    }

    // ----- Without a password ------------------------------------------------------------------

    /// "Sign in with a passkey": options for any passkey of this portal on the device.
    pub fn passkey_login_start(&self) -> Result<PasskeyChallenge, MfaError> {
        let webauthn = self.relying_party()?;
        let (options, state) =
            webauthn.start_discoverable_authentication().map_err(|e| InternalError::Webauthn(e.to_string()))?;
        let ceremony = Ceremony::start(None, self.clock.now(), CeremonyKind::Login { state }, self.rng.as_ref());
        // A button asks at once; the crate's "conditional" mediation is for autofill.
        let mut options = serde_json::to_value(&options).unwrap_or_default();
        if let Some(o) = options.as_object_mut() {
            o.remove("mediation");
        }
        Ok(PasskeyChallenge { options, sealed: ceremony.seal(&self.secret_key, self.rng.as_ref()) })
    }

    /// A discoverable passkey with user verification signs its user in fully (both factors:
    /// something they have, unlocked by something they know or are). Refusals say nothing about
    /// which account was meant.
    pub async fn passkey_login_finish(
        &self,
        sealed: Option<&str>,
        credential: Value,
        previous: Option<&SessionToken>,
        ctx: &RequestContext,
    ) -> Result<PasskeySignIn, MfaError> {
        let webauthn = self.relying_party()?;
        let ceremony = self.open_ceremony(sealed)?;
        let (ceremony_id, ceremony_expires_at) = (ceremony.id.clone(), ceremony.expires_at());
        let CeremonyKind::Login { state } = ceremony.kind else {
            return Err(MfaError::PasskeyExpired);
        };
        let credential: PublicKeyCredential =
            serde_json::from_value(credential).map_err(|_| MfaError::PasskeyRefused)?;
        let (handle, cred_id) =
            webauthn.identify_discoverable_authentication(&credential).map_err(|_| MfaError::PasskeyRefused)?;
        let cred_id = passkey::cred_id_text(cred_id);
        let stored = self.store.passkey_by_cred_id(&cred_id).await?.ok_or(MfaError::PasskeyRefused)?;
        // The library checks the signature, not that the handle names the credential's owner.
        if passkey::user_handle(&stored.user_id) != handle {
            return Err(MfaError::PasskeyRefused);
        }
        let user = self.store.user_by_id(&stored.user_id).await?.ok_or(MfaError::PasskeyRefused)?;
        let key = stored.passkey().ok_or(MfaError::PasskeyRefused)?;
        let result = match webauthn.finish_discoverable_authentication_v2(&credential, state, &key) {
            Ok(r) => r,
            // Audited, but not counted against the account: without a password step, anyone who
            // learnt a credential id could otherwise pause or lock its owner with bad signatures.
            Err(e) => {
                self.audit_passkey_refusal(&user, "login", &e, ctx).await;
                return Err(MfaError::PasskeyRefused);
            }
        };
        // Throttled accounts are refused here as at the second step.
        self.ensure_not_throttled(&user, ctx).await?;
        let used = self.updated_passkey(std::slice::from_ref(&stored), &result).ok_or(MfaError::PasskeyRefused)?;
        let now = self.clock.now();
        let (token, mut session) = Session::start(user.id.clone(), AuthLevel::Full, now, ctx, self.rng.as_ref());
        session.mfa_verified_at = Some(now);
        let audit = AuditEvent::new(now, action::LOGIN_PASSKEY, Outcome::Success, ctx)
            .actor(user.email.as_str())
            .subject(Some(&user.id), user.email.as_str())
            .detail("passkey", stored.id.clone());
        let replaced = previous.map(|t| t.hash());
        let won = self
            .store
            .complete_passkey_login(&ceremony_id, ceremony_expires_at, &used, &session, replaced.as_ref(), now, &audit)
            .await?;
        if !won {
            return Err(MfaError::PasskeyExpired);
        }
        info!(user = %user.id, "signed in with a passkey");
        let user = self.settle_language(user, ctx).await?;
        Ok(PasskeySignIn { user, token, session })
    }

    // ----- Naming and removing -------------------------------------------------------------------

    pub async fn rename_passkey(
        &self,
        session: &Session,
        user: &User,
        id: &str,
        name: &PasskeyName,
        ctx: &RequestContext,
    ) -> Result<(), MfaError> {
        self.require_recent_second_factor(session)?;
        let audit = AuditEvent::new(self.clock.now(), action::MFA_PASSKEY_RENAMED, Outcome::Success, ctx)
            .actor(user.email.as_str())
            .subject(Some(&user.id), user.email.as_str())
            .detail("passkey", id)
            .detail("name", name.as_str());
        if self.store.rename_passkey(&user.id, id, name.as_str(), &audit).await? {
            self.tell_reader(user, SignInNotice::PasskeyRenamed { name: name.as_str().to_owned() }, ctx).await;
            Ok(())
        } else {
            Err(MfaError::NotFound("passkey"))
        }
    }

    /// Removes one passkey; the user's last method stays while MFA is in force.
    pub async fn remove_passkey(
        &self,
        session: &Session,
        user: &User,
        id: &str,
        ctx: &RequestContext,
    ) -> Result<(), MfaError> {
        self.require_recent_second_factor(session)?;
        let stored = self.store.passkeys_of(&user.id).await?;
        let target = stored.iter().find(|p| p.id == id).ok_or(MfaError::NotFound("passkey"))?;
        let in_force = self.mfa_in_force(user);
        let audit = AuditEvent::new(self.clock.now(), action::MFA_METHOD_REMOVED, Outcome::Success, ctx)
            .actor(user.email.as_str())
            .subject(Some(&user.id), user.email.as_str())
            .detail("method", "passkey")
            .detail("passkey", id);
        if self.store.delete_passkey(&user.id, id, in_force, &audit).await? {
            self.tell_reader(user, SignInNotice::PasskeyRemoved { name: target.name.clone() }, ctx).await;
            Ok(())
        } else {
            Err(MfaError::LastMethod)
        }
    }
}
