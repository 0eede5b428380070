//! Conformance: the secure-access records (SCRAM keys, settings, app passwords, bans).
//! Run from tests/security.rs; backend-independent.

use loft_store::*;

pub async fn security_records(s: &dyn Store) {
    let alice = s.create_account("alice", "$argon2id$x").await.unwrap();
    let bob = s.create_account("bob", "$argon2id$y").await.unwrap();

    // Settings default, then set; a password change clears the SCRAM keys.
    assert_eq!(
        s.auth_settings(alice).await.unwrap(),
        AuthSettings::default()
    );
    s.set_scram_credentials(alice, Some("{SCRAM-SHA-256}4096,a,b,c"))
        .await
        .unwrap();
    s.set_app_passwords_only(alice, true).await.unwrap();
    let st = s.auth_settings(alice).await.unwrap();
    assert_eq!(
        st.scram_sha256.as_deref(),
        Some("{SCRAM-SHA-256}4096,a,b,c")
    );
    assert!(st.app_passwords_only);
    assert!(!format!("{st:?}").contains("SCRAM-SHA-256}4096"));
    s.set_password("alice", "$argon2id$z").await.unwrap();
    let st = s.auth_settings(alice).await.unwrap();
    assert_eq!(st.scram_sha256, None);
    assert!(st.app_passwords_only);
    assert!(matches!(
        s.set_app_passwords_only(AccountId(9999), true).await,
        Err(StoreError::NotFound(_))
    ));

    // App passwords: unique labels per account, list, use, revoke.
    let id = s
        .add_app_password(alice, "phone", "sha256:aa", 100, Some(200))
        .await
        .unwrap();
    assert!(matches!(
        s.add_app_password(alice, "phone", "sha256:bb", 101, None)
            .await,
        Err(StoreError::AlreadyExists(_))
    ));
    s.add_app_password(bob, "phone", "sha256:cc", 102, None)
        .await
        .unwrap();
    s.add_app_password(alice, "laptop", "sha256:dd", 103, None)
        .await
        .unwrap();
    s.app_password_used(alice, id, 150, "192.0.2.7")
        .await
        .unwrap();
    // Another account cannot touch it.
    s.app_password_used(bob, id, 160, "192.0.2.9")
        .await
        .unwrap();
    let list = s.app_passwords(alice).await.unwrap();
    assert_eq!(
        list.iter().map(|a| a.label.as_str()).collect::<Vec<_>>(),
        ["phone", "laptop"]
    );
    assert_eq!(
        (
            list[0].last_used,
            list[0].last_ip.as_deref(),
            list[0].expires
        ),
        (Some(150), Some("192.0.2.7"), Some(200))
    );
    s.revoke_app_password(alice, "phone").await.unwrap();
    assert!(matches!(
        s.revoke_app_password(alice, "phone").await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.app_passwords(alice).await.unwrap().len(), 1);
    assert_eq!(s.app_passwords(bob).await.unwrap().len(), 1);

    // Deleting an account deletes its records.
    s.delete_account("bob").await.unwrap();
    let bob2 = s.create_account("bob", "$argon2id$y").await.unwrap();
    assert!(s.app_passwords(bob2).await.unwrap().is_empty());

    // Bans: in force until `until`, removable.
    let ban = Ban {
        key: "192.0.2.9".into(),
        created: 1000,
        until: 2000,
        reason: "10 failures".into(),
    };
    s.add_ban(&ban).await.unwrap();
    assert_eq!(s.ban("192.0.2.9", 1500).await.unwrap(), Some(ban.clone()));
    assert_eq!(s.ban("192.0.2.9", 2000).await.unwrap(), None);
    assert_eq!(s.bans(1500).await.unwrap(), vec![ban.clone()]);
    assert!(s.bans(2500).await.unwrap().is_empty());
    assert!(s.remove_ban("192.0.2.9").await.unwrap());
    assert!(!s.remove_ban("192.0.2.9").await.unwrap());
}
