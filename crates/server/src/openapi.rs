//! The OpenAPI 3.1 description of `/api/v1`, written by hand next to the routes it
//! describes; a test checks that every route is in it.

use axum::Json;
use serde_json::{Value, json};

fn error_responses() -> Value {
    json!({
        "400": {"description": "Invalid input: the error names the field and the reason", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "401": {"description": "Not authenticated"},
        "403": {"description": "Not allowed to see or change this"},
        "404": {"description": "Not found"}
    })
}

fn op(summary: &str, ok: &str) -> Value {
    let mut responses = error_responses();
    responses["200"] = json!({"description": ok});
    json!({"summary": summary, "security": [{"bearer": []}], "responses": responses})
}

fn period_params() -> Value {
    json!([
        {"name": "from", "in": "query", "schema": {"type": "string"}, "description": "RFC 3339 instant with offset, or a date (UTC midnight); default: 90 days before `to`"},
        {"name": "to", "in": "query", "schema": {"type": "string"}, "description": "RFC 3339 instant with offset, or a date; default: now. The period is [from, to)."}
    ])
}

pub fn spec() -> Value {
    let id_param =
        json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]);
    let mut person_burden = op(
        "A person's interruptions by category, disrupted nights and longest streak",
        "Burden figures",
    );
    person_burden["parameters"] = json!([
        id_param[0].clone(),
        period_params()[0].clone(),
        period_params()[1].clone()
    ]);
    person_burden["responses"]["200"]["content"] =
        json!({"application/json": {"schema": {"$ref": "#/components/schemas/Burden"}}});
    let mut team_burden = op(
        "Each member's burden and the team's spread (leads and admins)",
        "Team burden",
    );
    team_burden["parameters"] = person_burden["parameters"].clone();
    let mut ingest = json!({
        "summary": "Receive a webhook delivery from PagerDuty v3, Opsgenie, Alertmanager, Grafana OnCall, incident.io or FireHydrant",
        "parameters": [{"name": "integration", "in": "path", "required": true, "schema": {"type": "string"}}],
        "requestBody": {"required": true, "content": {"application/json": {}}},
        "responses": {
            "202": {"description": "Stored (raw payload, event and notifications, durably) before this answer"},
            "200": {"description": "A replay of a delivery already stored; nothing stored"},
            "400": {"description": "Malformed body, naming the field"},
            "401": {"description": "Bad or missing signature, stale timestamp, or wrong bearer secret"},
            "404": {"description": "No such integration"}
        }
    });
    ingest["security"] = json!([]);
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Aftercare API", "version": env!("CARGO_PKG_VERSION"), "description": "Incident response for the humans. Authenticate with `Authorization: Bearer TOKEN` (`aftercare token create`)."},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {"code": {"type": "string"}, "field": {"type": "string"}, "message": {"type": "string"}}, "required": ["code", "message"]}}},
                "Interruptions": {"type": "object", "properties": {"business": {"type": "integer"}, "off": {"type": "integer"}, "sleep": {"type": "integer"}, "total": {"type": "integer"}}},
                "Burden": {"type": "object", "properties": {
                    "interruptions": {"$ref": "#/components/schemas/Interruptions"},
                    "disrupted_nights": {"type": "integer"},
                    "longest_disrupted_streak": {"type": "integer"},
                    "nights": {"type": "array", "items": {"type": "string", "format": "date"}},
                    "days": {"type": "array", "items": {"type": "object"}}
                }, "required": ["interruptions", "disrupted_nights", "longest_disrupted_streak", "nights"]}
            }
        },
        "paths": {
            "/me": {"get": op("Who the token or session belongs to", "The viewer")},
            "/people": {"get": op("The people directory", "People"), "post": op("Create a person (admin)", "Created")},
            "/people/{id}": {"get": op("A person's settings, identities and teams", "Person"), "patch": op("Change a person's name, time zone, working days and hours, or sleep window (themselves or an admin)", "Person")},
            "/people/{id}/identities": {"post": op("Link an external identity (pagerduty, opsgenie, grafana-oncall, incident-io, firehydrant, email) to a person", "Identities")},
            "/people/{id}/burden": {"get": person_burden},
            "/teams": {"get": op("Teams visible to the viewer", "Teams"), "post": op("Create a team (admin)", "Created")},
            "/teams/{id}": {"get": op("A team and its members", "Team")},
            "/teams/{id}/members": {"post": op("Add a member or set their role (lead or admin)", "Membership")},
            "/teams/{id}/burden": {"get": team_burden},
            "/teams/{id}/schedule": {"post": op("Import the team's on-call schedule from an iCalendar export (body: text/calendar); all shifts or none", "Imported")},
            "/teams/{id}/shifts": {"get": op("The team's on-call shifts in [from, to)", "Shifts")},
            "/teams/{id}/unattributed": {"get": op("Pages for the team that nobody could be found for, newest first (leads and admins)", "Pages")},
            "/integrations": {"get": op("Integrations of the teams the viewer leads", "Integrations"), "post": op("Create an integration; returns its ingest path and secret once", "Created")},
            "/ingest/{integration}": {"post": ingest},
            "/lens": {"post": op("Check review text for blameful wording", "Findings")},
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}}
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}
