//! SQLite: one file under the data directory, WAL journal so readers never wait for the writer,
//! a busy timeout so concurrent writers queue instead of failing.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::{ConnectError, ConnectOptions};

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    pub async fn open(url: &str, options: &ConnectOptions) -> Result<Self, ConnectError> {
        let connect = SqliteConnectOptions::from_str(url)
            .map_err(ConnectError::Open)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(parent) = connect.get_filename().parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| ConnectError::DataDir { path: parent.display().to_string(), source })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .connect_with(connect)
            .await
            .map_err(ConnectError::Open)?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await.map_err(ConnectError::Migrate)?;
        Ok(Self { pool })
    }
}

crate::shared::sql_store!(SqliteStore, "sqlite", sqlx::Sqlite);
crate::claims::claim_store!(SqliteStore, sqlx::Sqlite);
