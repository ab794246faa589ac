//! Aftercare's use-cases: the one layer the JSON API, the web forms and the CLI all
//! call. Each use-case takes the [`policy::Actor`] (or a right it yielded), checks
//! what it must, talks to the store and returns typed values; the shells around it
//! only translate requests and responses.

pub mod accounts;
pub mod attribution;
pub mod burden;
pub mod care;
pub mod channels;
pub mod checkins;
pub mod cover;
pub mod drills;
pub mod error;
pub mod export;
pub mod feeds;
pub mod holidays;
pub mod incidents;
pub mod integrations;
pub mod jobs;
pub mod journal;
pub mod mail;
pub mod newcomers;
pub mod notify;
pub mod org;
pub mod overview;
pub mod pages;
pub mod passwords;
pub mod people;
pub mod policy;
pub mod proposals;
pub mod pulse;
pub mod record;
pub mod rest;
pub mod rotation_import;
pub mod rotations;
pub mod schedule;
pub mod schedules;
pub mod sso;
pub mod support;
pub mod teams;
pub mod time_off;
pub mod validate;
pub mod wakes;

pub use error::{AppError, Result};
pub use policy::{Actor, AdminRight, LeadRight};
