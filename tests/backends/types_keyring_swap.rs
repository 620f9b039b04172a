//! A keyring replaced while the program runs (`KeyringCell::store`): rows written under
//! key A still read once B is current with A kept as an old key, new rows are written
//! with B, and with B alone the rows under A are a typed error.

use crate::support::TestDb;
use advanced_alchemy::Error;
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::{
    EncryptedString, EncryptionError, EncryptionKey, Keyring, KeyringCell,
};
use sea_orm::ActiveValue::Set;
use std::sync::Arc;

static KEYS: KeyringCell = KeyringCell::new(|| Keyring::fernet("key A"));

/// One cell for the process: the three backends' runs of the test take turns.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub struct SwapKey;
impl EncryptionKey for SwapKey {
    fn keyring() -> Arc<Keyring> {
        KEYS.load()
    }
}

pub mod enc_swap {
    use advanced_alchemy::types::EncryptedString;
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "enc_swap")]
    pub struct Model {
        pub secret: EncryptedString<super::SwapKey>,
    }
}

fn row(plaintext: &str) -> enc_swap::ActiveModel {
    enc_swap::ActiveModel {
        secret: Set(EncryptedString::new(plaintext).expect("no limit")),
        ..Default::default()
    }
}

async fn stored(t: &TestDb, id: i64) -> String {
    t.strings(&format!("SELECT secret FROM enc_swap WHERE id = {id}"))
        .await
        .remove(0)
}

async fn keyring_swapped_at_runtime(t: TestDb) {
    let _turn = TURN.lock().await;
    KEYS.store(Keyring::fernet("key A"));
    let repo = Repository::<enc_swap::Entity, _>::new(&t.db);
    let under_a = repo.add(row("written under A")).await.expect("add");
    assert!(
        Keyring::fernet("key A")
            .decrypt(&stored(&t, under_a.id).await)
            .is_ok()
    );

    // B current, A kept to decrypt (B on another backend: pgcrypto)
    KEYS.store(Keyring::pgcrypto("key B").with_old_keys(Keyring::fernet("key A")));
    assert_eq!(
        repo.get(under_a.id)
            .await
            .expect("A still reads")
            .secret
            .expose(),
        "written under A"
    );
    let under_b = repo.add(row("written under B")).await.expect("add");
    let token = stored(&t, under_b.id).await;
    assert_eq!(
        Keyring::pgcrypto("key B").decrypt(&token).as_deref(),
        Ok("written under B")
    );
    assert!(Keyring::fernet("key A").decrypt(&token).is_err());

    // B alone: the rows under A no longer read, with the typed error naming the column
    KEYS.store(Keyring::pgcrypto("key B"));
    assert_eq!(
        repo.get(under_b.id).await.expect("B reads").secret.expose(),
        "written under B"
    );
    match repo.get(under_a.id).await {
        Err(Error::Encryption(EncryptionError::Decrypt { column })) => {
            assert_eq!(column.as_deref(), Some("secret"))
        }
        other => panic!("{other:?}"),
    }
    KEYS.store(Keyring::fernet("key A"));
}

crate::backend_tests!(keyring_swapped_at_runtime);
