//! Claims and items as types, the limits on every field, totals per room and overall, and the
//! rule of who may reach a claim. Once a value is an [`ItemFields`], it is valid.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, OffsetDateTime};

use super::sentence::Sentence;
use crate::language::Language;
use crate::user::{Role, User, UserId};

macro_rules! random_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn generate(rng: &dyn crate::random::SecureRandom) -> Self {
                Self(crate::user::hex_id(rng))
            }

            /// Accepts only the shape we generate (32 lowercase hex digits).
            pub fn parse(input: &str) -> Option<Self> {
                (input.len() == 32 && input.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
                    .then(|| Self(input.to_owned()))
            }

            pub fn from_stored(value: String) -> Self {
                Self(value)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

random_id!(
    /// A claim's random 128-bit id: the only handle on a claim in a URL.
    ClaimId
);
random_id!(
    /// An item's random 128-bit id.
    ItemId
);
random_id!(
    /// An attachment's random 128-bit id: also its file's name in storage.
    AttachmentId
);

pub const MAX_QUANTITY: i64 = 10_000;
/// $10,000,000.00 per item.
pub const MAX_COST_CENTS: i64 = 1_000_000_000;
pub const MAX_AGE_YEARS: i64 = 150;
pub const MAX_ITEMS_PER_CLAIM: usize = 5_000;
/// Room names offered as suggestions; any other text is fine too.
pub const ROOM_SUGGESTIONS: [&str; 10] = [
    "Kitchen",
    "Living room",
    "Dining room",
    "Bedroom",
    "Bathroom",
    "Office",
    "Garage",
    "Basement",
    "Laundry",
    "Outdoor",
];

/// The room suggestions in `language` ("Kitchen", "Cocina"), in the order of
/// [`ROOM_SUGGESTIONS`]. What a policyholder picks is stored as typed, like any other room name.
pub fn room_suggestions_in(language: Language) -> Vec<String> {
    const IDS: [&str; 10] = [
        "claim-room-kitchen",
        "claim-room-living-room",
        "claim-room-dining-room",
        "claim-room-bedroom",
        "claim-room-bathroom",
        "claim-room-office",
        "claim-room-garage",
        "claim-room-basement",
        "claim-room-laundry",
        "claim-room-outdoor",
    ];
    IDS.iter().map(|id| language.text(id)).collect()
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Draft,
    Submitted,
    InReview,
    Closed,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 4] =
        [ClaimStatus::Draft, ClaimStatus::Submitted, ClaimStatus::InReview, ClaimStatus::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Draft => "draft",
            ClaimStatus::Submitted => "submitted",
            ClaimStatus::InReview => "in_review",
            ClaimStatus::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ClaimStatus::Draft => "Draft",
            ClaimStatus::Submitted => "Submitted",
            ClaimStatus::InReview => "In review",
            ClaimStatus::Closed => "Closed",
        }
    }

    /// The label in `language` ("In review", "En revisión"), as pages show it.
    pub fn label_in(self, language: Language) -> String {
        language.text(self.label_id())
    }

    /// The message id of [`ClaimStatus::label_in`].
    pub fn label_id(self) -> &'static str {
        match self {
            ClaimStatus::Draft => "claim-status-draft",
            ClaimStatus::Submitted => "claim-status-submitted",
            ClaimStatus::InReview => "claim-status-in-review",
            ClaimStatus::Closed => "claim-status-closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A step of the claim's status flow and who takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimTransition {
    /// The policyholder hands the inventory over.
    Submit,
    /// The adjuster starts reviewing it.
    StartReview,
    /// The adjuster closes the claim; nothing moves it afterwards.
    Close,
    /// The adjuster gives the inventory back to the policyholder to change.
    Reopen,
}

/// The claim was not in a status the step starts from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the claim is {}; this needs it to be {}", .current.label().to_lowercase(), .needed.iter().map(|s| s.label().to_lowercase()).collect::<Vec<_>>().join(" or "))]
pub struct WrongClaimStatus {
    pub current: ClaimStatus,
    pub needed: &'static [ClaimStatus],
}

impl ClaimTransition {
    pub const ALL: [ClaimTransition; 4] =
        [ClaimTransition::Submit, ClaimTransition::StartReview, ClaimTransition::Close, ClaimTransition::Reopen];

    /// The whole status flow in one table: draft → submitted → in review → closed, and back to
    /// draft from submitted or in review. The store applies a step only while the claim is still
    /// in one of `from`, so a step racing another finds the claim moved and is refused.
    pub fn rule(self) -> (&'static [ClaimStatus], ClaimStatus) {
        match self {
            ClaimTransition::Submit => (&[ClaimStatus::Draft], ClaimStatus::Submitted),
            ClaimTransition::StartReview => (&[ClaimStatus::Submitted], ClaimStatus::InReview),
            ClaimTransition::Close => (&[ClaimStatus::InReview], ClaimStatus::Closed),
            ClaimTransition::Reopen => (&[ClaimStatus::Submitted, ClaimStatus::InReview], ClaimStatus::Draft),
        }
    }

    /// Where the step takes a claim that is `current`, or why it cannot.
    pub fn apply(self, current: ClaimStatus) -> Result<ClaimStatus, WrongClaimStatus> {
        let (from, to) = self.rule();
        if from.contains(&current) { Ok(to) } else { Err(WrongClaimStatus { current, needed: from }) }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    New,
    LikeNew,
    Good,
    Fair,
    Poor,
}

impl Condition {
    pub const ALL: [Condition; 5] =
        [Condition::New, Condition::LikeNew, Condition::Good, Condition::Fair, Condition::Poor];

    pub fn as_str(self) -> &'static str {
        match self {
            Condition::New => "new",
            Condition::LikeNew => "like_new",
            Condition::Good => "good",
            Condition::Fair => "fair",
            Condition::Poor => "poor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Condition::New => "New",
            Condition::LikeNew => "Like new",
            Condition::Good => "Good",
            Condition::Fair => "Fair",
            Condition::Poor => "Poor",
        }
    }

    /// The label in `language` ("Like new", "Como nuevo"), as pages show it.
    pub fn label_in(self, language: Language) -> String {
        language.text(match self {
            Condition::New => "claim-condition-new",
            Condition::LikeNew => "claim-condition-like-new",
            Condition::Good => "claim-condition-good",
            Condition::Fair => "claim-condition-fair",
            Condition::Poor => "claim-condition-poor",
        })
    }

    /// Any case; "like new", "like-new" and "like_new" are the same; empty means "good".
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        if t.is_empty() {
            return Some(Condition::Good);
        }
        Self::ALL.into_iter().find(|c| c.as_str() == t)
    }
}

/// A field that is wrong, named as the API names it, with what is wrong with it: in English in
/// `message` (the JSON API, logs), in any language with [`FieldError::reason_in`] (forms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
    reason: Sentence,
}

impl FieldError {
    pub fn new(field: &'static str, reason: Sentence) -> Self {
        Self { field, message: reason.to_string(), reason }
    }

    /// What is wrong, without the field's name, in `language`: what a form shows at the field.
    pub fn reason_in(&self, language: Language) -> String {
        self.reason.in_language(language)
    }

    pub fn reason(&self) -> &Sentence {
        &self.reason
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Trimmed text of `min..=max` characters; line breaks and tabs only where `multiline`.
pub fn text(field: &'static str, input: &str, min: usize, max: usize, multiline: bool) -> Result<String, FieldError> {
    let t = input.trim();
    let n = t.chars().count();
    if n < min {
        return Err(FieldError::new(field, Sentence::text("claim-field-required")));
    }
    if n > max {
        return Err(FieldError::new(field, Sentence::text("claim-field-too-long").arg("max", max).arg("count", n)));
    }
    if t.chars().any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))) {
        return Err(FieldError::new(field, Sentence::text("claim-field-control-characters")));
    }
    Ok(t.to_owned())
}

/// An item as typed: numbers as whole numbers (possibly out of range), text as given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemDraft {
    pub description: String,
    pub brand: String,
    pub model: String,
    pub quantity: i64,
    pub age_years: i64,
    pub age_months: i64,
    pub condition: String,
    pub replacement_cost_cents: i64,
    pub business_use: bool,
    pub room: String,
    pub category: String,
    pub notes: String,
}

/// A valid item's fields.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemFields {
    pub description: String,
    pub brand: String,
    pub model: String,
    pub quantity: i64,
    pub age_years: i64,
    pub age_months: i64,
    pub condition: Condition,
    pub replacement_cost_cents: i64,
    pub business_use: bool,
    pub room: String,
    pub category: String,
    pub notes: String,
}

impl ItemFields {
    pub fn total_cents(&self) -> i64 {
        self.quantity.saturating_mul(self.replacement_cost_cents)
    }

    pub fn draft(&self) -> ItemDraft {
        ItemDraft {
            description: self.description.clone(),
            brand: self.brand.clone(),
            model: self.model.clone(),
            quantity: self.quantity,
            age_years: self.age_years,
            age_months: self.age_months,
            condition: self.condition.as_str().to_owned(),
            replacement_cost_cents: self.replacement_cost_cents,
            business_use: self.business_use,
            room: self.room.clone(),
            category: self.category.clone(),
            notes: self.notes.clone(),
        }
    }
}

impl ItemDraft {
    /// Every error, in field order (the CSV preview shows them all).
    pub fn validate_all(&self) -> Result<ItemFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).unwrap_or_default();
        let description = keep(text("description", &self.description, 1, 200, false));
        let brand = keep(text("brand", &self.brand, 0, 100, false));
        let model = keep(text("model", &self.model, 0, 100, false));
        let room = keep(text("room", &self.room, 1, 60, false));
        let category = keep(text("category", &self.category, 0, 60, false));
        let notes = keep(text("notes", &self.notes, 0, 2000, true));
        if !(1..=MAX_QUANTITY).contains(&self.quantity) {
            errors.push(FieldError::new(
                "quantity",
                Sentence::text("claim-field-quantity-range").arg("max", MAX_QUANTITY),
            ));
        }
        if !(0..=MAX_AGE_YEARS).contains(&self.age_years) {
            errors.push(FieldError::new(
                "age_years",
                Sentence::text("claim-field-age-years-range").arg("max", MAX_AGE_YEARS),
            ));
        }
        if !(0..=11).contains(&self.age_months) {
            errors.push(FieldError::new("age_months", Sentence::text("claim-field-age-months-range")));
        }
        let condition = Condition::parse(&self.condition);
        if condition.is_none() {
            errors.push(FieldError::new("condition", Sentence::text("claim-field-condition-unknown")));
        }
        if !(0..=MAX_COST_CENTS).contains(&self.replacement_cost_cents) {
            errors.push(FieldError::new(
                "replacement_cost_cents",
                Sentence::text("claim-field-cost-range").arg("max", MAX_COST_CENTS),
            ));
        }
        match condition {
            Some(condition) if errors.is_empty() => Ok(ItemFields {
                description,
                brand,
                model,
                quantity: self.quantity,
                age_years: self.age_years,
                age_months: self.age_months,
                condition,
                replacement_cost_cents: self.replacement_cost_cents,
                business_use: self.business_use,
                room,
                category,
                notes,
            }),
            _ => Err(errors),
        }
    }

    /// The first error only (forms and the API name one field at a time).
    pub fn validate(&self) -> Result<ItemFields, FieldError> {
        self.validate_all().map_err(|mut e| e.remove(0))
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: ItemId,
    pub claim_id: ClaimId,
    /// Order of entry within the claim.
    pub seq_no: i64,
    #[serde(flatten)]
    pub fields: ItemFields,
    /// The adjuster's remark on this item (empty when none).
    pub adjuster_comment: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub id: ClaimId,
    pub claim_number: String,
    pub loss_date: Date,
    pub loss_address: String,
    pub status: ClaimStatus,
    pub policyholder_id: UserId,
    pub adjuster_id: UserId,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A claim with what lists show next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimSummary {
    pub claim: Claim,
    pub policyholder_name: String,
    pub policyholder_email: String,
    pub adjuster_name: String,
    pub item_count: i64,
    pub total_cents: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub policyholder: Option<UserId>,
    pub adjuster: Option<UserId>,
    pub status: Option<ClaimStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub at: OffsetDateTime,
    pub from: Option<ClaimStatus>,
    pub to: ClaimStatus,
    /// The email of whoever made the change.
    pub actor: String,
    /// The adjuster's message when reopening; empty otherwise.
    pub message: String,
}

/// What an adjuster types to open a claim, before checking.
#[derive(Debug, Clone, Default)]
pub struct NewClaim {
    pub claim_number: String,
    /// `YYYY-MM-DD`.
    pub loss_date: String,
    pub loss_address: String,
    pub policyholder_email: String,
    pub policyholder_name: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoomTotal {
    pub room: String,
    pub item_count: i64,
    pub total_cents: i64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Totals {
    pub rooms: Vec<RoomTotal>,
    pub item_count: i64,
    pub total_cents: i64,
}

/// Totals per room (rooms in alphabetical order, ignoring case) and for the whole claim.
pub fn totals(items: &[Item]) -> Totals {
    let mut t = Totals::default();
    for item in items {
        let line = item.fields.total_cents();
        t.item_count += 1;
        t.total_cents = t.total_cents.saturating_add(line);
        match t.rooms.iter_mut().find(|r| r.room == item.fields.room) {
            Some(r) => {
                r.item_count += 1;
                r.total_cents = r.total_cents.saturating_add(line);
            }
            None => t.rooms.push(RoomTotal { room: item.fields.room.clone(), item_count: 1, total_cents: line }),
        }
    }
    t.rooms.sort_by(|a, b| a.room.to_lowercase().cmp(&b.room.to_lowercase()).then_with(|| a.room.cmp(&b.room)));
    t
}

/// How someone reaches a claim. Anybody without one gets "not found", never "forbidden".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Builds the inventory while it is a draft.
    Policyholder,
    /// The claim's own adjuster: reviews, comments, reopens, closes.
    Adjuster,
    /// Support agents and administrators: may look, change nothing.
    Staff,
}

pub fn access(user: &User, claim: &Claim) -> Option<Access> {
    if claim.policyholder_id == user.id {
        Some(Access::Policyholder)
    } else if claim.adjuster_id == user.id {
        Some(Access::Adjuster)
    } else if matches!(user.role, Role::Support | Role::Admin) {
        Some(Access::Staff)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{ClaimStatus, ClaimTransition};

    #[test]
    fn the_status_flow_is_exactly_the_table() {
        use ClaimStatus::*;
        use ClaimTransition::*;
        let allowed = [
            (Draft, Submit, Submitted),
            (Submitted, StartReview, InReview),
            (InReview, Close, Closed),
            (Submitted, Reopen, Draft),
            (InReview, Reopen, Draft),
        ];
        for from in ClaimStatus::ALL {
            for step in ClaimTransition::ALL {
                let expected = allowed.iter().find(|(f, s, _)| *f == from && *s == step).map(|(_, _, to)| *to);
                assert_eq!(step.apply(from).ok(), expected, "{step:?} from {from:?}");
            }
        }
    }

    #[test]
    fn a_closed_claim_never_moves_and_a_refusal_says_what_was_needed() {
        for step in ClaimTransition::ALL {
            assert!(step.apply(ClaimStatus::Closed).is_err(), "{step:?}");
        }
        let refused = ClaimTransition::Reopen.apply(ClaimStatus::Draft).unwrap_err();
        assert_eq!(refused.to_string(), "the claim is draft; this needs it to be submitted or in review");
    }

    use super::*;

    fn draft() -> ItemDraft {
        ItemDraft {
            description: "Toaster".into(),
            quantity: 2,
            replacement_cost_cents: 4999,
            room: "Kitchen".into(),
            ..ItemDraft::default()
        }
    }

    #[test]
    fn a_plain_item_is_valid_and_defaults_to_good_condition() {
        let f = draft().validate().unwrap();
        assert_eq!(f.condition, Condition::Good);
        assert_eq!(f.total_cents(), 9998);
    }

    #[test]
    fn every_limit_names_its_field() {
        let cases: Vec<(ItemDraft, &str)> = vec![
            (ItemDraft { description: " ".into(), ..draft() }, "description"),
            (ItemDraft { description: "x".repeat(201), ..draft() }, "description"),
            (ItemDraft { brand: "x".repeat(101), ..draft() }, "brand"),
            (ItemDraft { quantity: 0, ..draft() }, "quantity"),
            (ItemDraft { quantity: -3, ..draft() }, "quantity"),
            (ItemDraft { quantity: 10_001, ..draft() }, "quantity"),
            (ItemDraft { replacement_cost_cents: -1, ..draft() }, "replacement_cost_cents"),
            (ItemDraft { replacement_cost_cents: MAX_COST_CENTS + 1, ..draft() }, "replacement_cost_cents"),
            (ItemDraft { room: String::new(), ..draft() }, "room"),
            (ItemDraft { room: "r".repeat(61), ..draft() }, "room"),
            (ItemDraft { category: "c".repeat(61), ..draft() }, "category"),
            (ItemDraft { notes: "n".repeat(2001), ..draft() }, "notes"),
            (ItemDraft { age_months: 12, ..draft() }, "age_months"),
            (ItemDraft { condition: "shiny".into(), ..draft() }, "condition"),
        ];
        for (d, field) in cases {
            assert_eq!(d.validate().unwrap_err().field, field, "{d:?}");
        }
        assert!(ItemDraft { notes: "line one\nline two".into(), ..draft() }.validate().is_ok());
    }

    #[test]
    fn totals_are_per_room_and_overall() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let item = |room: &str, q: i64, c: i64| Item {
            id: ItemId::from_stored(String::new()),
            claim_id: ClaimId::from_stored(String::new()),
            seq_no: 0,
            fields: ItemDraft { room: room.into(), quantity: q, replacement_cost_cents: c, ..draft() }
                .validate()
                .unwrap(),
            adjuster_comment: String::new(),
            created_at: now,
            updated_at: now,
        };
        let t = totals(&[item("Kitchen", 2, 100), item("bedroom", 1, 50), item("Kitchen", 1, 25)]);
        assert_eq!(t.total_cents, 275);
        assert_eq!(t.item_count, 3);
        assert_eq!(t.rooms[0], RoomTotal { room: "bedroom".into(), item_count: 1, total_cents: 50 });
        assert_eq!(t.rooms[1], RoomTotal { room: "Kitchen".into(), item_count: 2, total_cents: 225 });
    }
}
