-- Public-holiday calendars (issue 9, item 3): imported from an iCalendar holiday feed
-- (GOV.UK's bank holidays, a calendar service's "Holidays in ..."), one per region, for
-- the whole organisation. A rotation follows at most one: its holidays weigh more in the
-- rotation generator and count in each person's holiday share in rotation health.
CREATE TABLE holiday_calendars (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    region      TEXT NOT NULL,
    -- The feed's own name (X-WR-CALNAME), or ''.
    source      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- One row per day of a holiday: 'YYYY-MM-DD', a local date wherever the rotation is.
CREATE TABLE holidays (
    calendar_id  BIGINT NOT NULL REFERENCES holiday_calendars(id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    name         TEXT NOT NULL,
    PRIMARY KEY (calendar_id, day, name)
);

-- The calendar a rotation follows, if any.
CREATE TABLE rotation_holidays (
    rotation_id  BIGINT PRIMARY KEY REFERENCES rotations(id) ON DELETE CASCADE,
    calendar_id  BIGINT NOT NULL REFERENCES holiday_calendars(id) ON DELETE CASCADE
);
CREATE INDEX rotation_holidays_calendar ON rotation_holidays(calendar_id);
