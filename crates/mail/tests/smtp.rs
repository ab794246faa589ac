//! Sends mail to a real SMTP server on loopback: aiosmtpd, run by
//! tests/support/smtp_capture.py, which writes each message it accepts into a
//! folder this test reads back. `scripts/prepare-test-env` installs aiosmtpd.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../tests/support/smtp_server.rs"]
mod smtp_server;

use std::time::{Duration, Instant};

use aftercare_mail::{MailConfig, MailError, Mailer, OutgoingMail};
use smtp_server::SmtpServer;

#[tokio::test]
async fn a_plain_text_message_arrives_with_its_recipient_subject_and_body() {
    let server = SmtpServer::start();
    let mailer = server.mailer();
    let text = "Hello Robin,\n\nSam invited you to Aftercare. Choose a password here \
                (the link works once, for 7 days):\nhttps://aftercare.example.test/invite/abc123\n";
    mailer
        .send(&OutgoingMail::text(
            "Robin Example <robin@example.test>",
            "You are invited to Aftercare",
            text,
        ))
        .await
        .expect("sent");

    let (mail, raw) = server.received(1);
    assert_eq!(mail["mail_from"], "aftercare@example.test");
    assert_eq!(mail["rcpt_tos"], serde_json::json!(["robin@example.test"]));
    assert_eq!(mail["from"], "Aftercare <aftercare@example.test>");
    assert_eq!(mail["to"], "Robin Example <robin@example.test>");
    assert_eq!(mail["subject"], "You are invited to Aftercare");
    assert_eq!(mail["content_type"], "text/plain");
    // lettre ends the DATA with CRLF . CRLF after the body's own final line
    // break, which a receiver keeps as one more empty line; compare without
    // trailing line breaks.
    assert_eq!(
        mail["text"]
            .as_str()
            .unwrap()
            .replace("\r\n", "\n")
            .trim_end(),
        text.trim_end()
    );
    assert_eq!(mail["html"], serde_json::Value::Null);
    assert!(
        mail["message_id"].as_str().unwrap().starts_with('<'),
        "{mail}"
    );
    assert!(!mail["date"].as_str().unwrap().is_empty(), "{mail}");
    assert!(
        raw.contains("Subject: You are invited to Aftercare\r\n"),
        "{raw}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn non_ascii_subject_and_body_survive_and_html_goes_along() {
    let server = SmtpServer::start();
    let mailer = server.mailer();
    let mut mail = OutgoingMail::text(
        "Jörg Äbel <joerg@example.test>",
        "Passwort zurücksetzen – Aftercare",
        "Hallo Jörg,\n\nüber diesen Link wählst du ein neues Passwort.\n",
    );
    mail.html =
        Some("<p>Hallo Jörg,</p><p>über diesen Link wählst du ein neues Passwort.</p>".into());
    mailer.send(&mail).await.expect("sent");

    let (received, raw) = server.received(1);
    assert_eq!(
        received["rcpt_tos"],
        serde_json::json!(["joerg@example.test"])
    );
    assert_eq!(received["to"], "Jörg Äbel <joerg@example.test>");
    assert_eq!(received["subject"], "Passwort zurücksetzen – Aftercare");
    assert_eq!(received["content_type"], "multipart/alternative");
    assert_eq!(
        received["text"].as_str().unwrap().replace("\r\n", "\n"),
        "Hallo Jörg,\n\nüber diesen Link wählst du ein neues Passwort.\n"
    );
    assert_eq!(
        received["html"].as_str().unwrap().trim_end(),
        "<p>Hallo Jörg,</p><p>über diesen Link wählst du ein neues Passwort.</p>"
    );
    // The header itself is encoded (RFC 2047), not raw UTF-8.
    assert!(!raw.contains("Subject: Passwort zurücksetzen"), "{raw}");
}

#[tokio::test]
async fn several_messages_through_one_mailer() {
    let server = SmtpServer::start();
    let mailer = server.mailer();
    for who in ["ana", "ben", "cleo"] {
        mailer
            .send(&OutgoingMail::text(
                format!("{who}@example.test"),
                format!("Reset for {who}"),
                format!("Reset link for {who}."),
            ))
            .await
            .expect("sent");
    }
    for (number, who) in ["ana", "ben", "cleo"].iter().enumerate() {
        let (mail, _) = server.received(number + 1);
        assert_eq!(mail["to"], format!("{who}@example.test"));
        assert_eq!(mail["subject"], format!("Reset for {who}"));
    }
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn a_server_that_is_not_there_is_named_in_the_error() {
    // A port that was free a moment ago and has nothing listening now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = MailConfig::parse(
        &format!("smtp://127.0.0.1:{port}"),
        "aftercare@example.test",
    )
    .unwrap();
    let err = Mailer::from_config(&config)
        .unwrap()
        .send(&OutgoingMail::text("robin@example.test", "Hi", "Hello"))
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, MailError::Smtp { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "the mail server 127.0.0.1:{port} did not take the message"
        )),
        "{err}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    // Accepts the connection and then says nothing, as a stuck relay would.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(socket);
    });
    let config = MailConfig::parse(
        &format!("smtp://127.0.0.1:{port}"),
        "aftercare@example.test",
    )
    .unwrap()
    .with_timeout(Duration::from_millis(500));
    let started = Instant::now();
    let err = Mailer::from_config(&config)
        .unwrap()
        .send(&OutgoingMail::text("robin@example.test", "Hi", "Hello"))
        .await
        .expect_err("stalled server");
    assert!(matches!(err, MailError::Timeout { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    hold.abort();
}
