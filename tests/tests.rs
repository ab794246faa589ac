//! Every integration test links into this one binary (ripgrep's layout), so the
//! workspace is compiled once for all of them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod api;
mod authorization;
mod browser;
mod care;
mod cli;
mod common;
mod cover;
mod feeds;
mod holidays;
mod import_cli;
mod incidents;
mod ingest;
mod lens_cli;
mod limits;
mod newcomers;
mod notifications;
#[path = "support/oidc_provider.rs"]
mod oidc_provider;
mod overview;
mod proposals;
#[path = "support/real_data.rs"]
mod real_data;
mod rest;
mod rotations;
mod schedules;
#[path = "support/smtp_server.rs"]
mod smtp_server;
mod sso_and_email;
mod time_off;
mod web_views;
mod what_wakes;
