//! Holiday calendars on SQLite and PostgreSQL: days come back in date order and are
//! replaced whole; a taken name stores nothing; a rotation follows one calendar, and
//! deleting either side removes the link.

use aftercare_store::*;

use super::run;

conformance!(
    holiday_days_are_stored_whole_and_replaced_whole,
    rotations_follow_one_calendar_until_either_is_deleted,
);

fn feed(name: &str, days: &[(&str, &str)]) -> NewHolidayCalendar {
    NewHolidayCalendar {
        name: name.into(),
        region: "England and Wales".into(),
        source: "UK bank holidays".into(),
        days: days
            .iter()
            .map(|(d, n)| (d.to_string(), n.to_string()))
            .collect(),
    }
}

async fn holiday_days_are_stored_whole_and_replaced_whole(store: Store) {
    let made = store
        .create_holiday_calendar(&feed(
            "uk",
            &[
                ("2027-12-27", "Christmas Day (substitute day)"),
                ("2027-01-01", "New Year's Day"),
                ("2027-12-28", "Boxing Day (substitute day)"),
            ],
        ))
        .await
        .unwrap();
    assert_eq!(made.name, "uk");
    assert_eq!(made.days, 3);
    assert_eq!(made.first_day.as_deref(), Some("2027-01-01"));
    assert_eq!(made.last_day.as_deref(), Some("2027-12-28"));
    let december = store
        .holidays(made.id, "2027-12-01", "2027-12-27")
        .await
        .unwrap();
    assert_eq!(
        december,
        vec![StoredHoliday {
            day: "2027-12-27".into(),
            name: "Christmas Day (substitute day)".into()
        }]
    );
    // A taken name stores nothing.
    let again = store
        .create_holiday_calendar(&feed("uk", &[("2028-01-03", "New Year's Day")]))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(store.holiday_calendars().await.unwrap().len(), 1);
    // Re-import replaces every day.
    let replaced = store
        .replace_holiday_calendar(
            made.id,
            &feed("uk 2028", &[("2028-01-03", "New Year's Day")]),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!((replaced.name.as_str(), replaced.days), ("uk 2028", 1));
    assert!(
        store
            .holidays(made.id, "2027-01-01", "2027-12-31")
            .await
            .unwrap()
            .is_empty()
    );
    let other = store
        .create_holiday_calendar(&feed(
            "scotland",
            &[("2027-01-04", "2nd January (substitute day)")],
        ))
        .await
        .unwrap();
    // Renaming onto a taken name stores nothing.
    let clash = store
        .replace_holiday_calendar(other.id, &feed("uk 2028", &[]))
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    assert_eq!(
        store
            .holiday_calendar(other.id)
            .await
            .unwrap()
            .unwrap()
            .days,
        1
    );
    let missing = store
        .replace_holiday_calendar(HolidayCalendarId(other.id.0 + 1000), &feed("x", &[]))
        .await
        .unwrap();
    assert!(missing.is_none());
}

async fn rotations_follow_one_calendar_until_either_is_deleted(store: Store) {
    let team = store.ensure_team("sun").await.unwrap().id;
    let (p, _) = store
        .upsert_person(&NewPerson {
            name: "Ana".into(),
            email: "ana@example.org".into(),
            hours: aftercare_burden::PersonHours::with_defaults(jiff::tz::TimeZone::UTC),
        })
        .await
        .unwrap();
    let rotation = store
        .create_rotation(&NewRotation {
            team_id: team,
            name: "emea".into(),
            time_zone: "Europe/London".into(),
            starts_local: "2027-01-04T08:00".into(),
            shift_length: "1w".into(),
            members: vec![p.id],
        })
        .await
        .unwrap()
        .rotation
        .id;
    let uk = store
        .create_holiday_calendar(&feed("uk", &[("2027-12-27", "Christmas")]))
        .await
        .unwrap()
        .id;
    let ie = store
        .create_holiday_calendar(&feed("ireland", &[("2027-03-17", "St Patrick's Day")]))
        .await
        .unwrap()
        .id;
    assert_eq!(store.rotation_holidays(rotation).await.unwrap(), None);
    store
        .set_rotation_holidays(rotation, Some(uk))
        .await
        .unwrap();
    store
        .set_rotation_holidays(rotation, Some(ie))
        .await
        .unwrap();
    assert_eq!(store.rotation_holidays(rotation).await.unwrap(), Some(ie));
    store.set_rotation_holidays(rotation, None).await.unwrap();
    assert_eq!(store.rotation_holidays(rotation).await.unwrap(), None);
    store
        .set_rotation_holidays(rotation, Some(uk))
        .await
        .unwrap();
    assert!(store.delete_holiday_calendar(uk).await.unwrap());
    assert!(!store.delete_holiday_calendar(uk).await.unwrap());
    assert_eq!(store.rotation_holidays(rotation).await.unwrap(), None);
    store
        .set_rotation_holidays(rotation, Some(ie))
        .await
        .unwrap();
    assert!(store.delete_rotation(rotation).await.unwrap());
    assert_eq!(store.rotation_holidays(rotation).await.unwrap(), None);
    assert!(store.holiday_calendar(ie).await.unwrap().is_some());
}
