//! The workload: the eight operations on the seed's blog (posts, tags), their sizes, and
//! the inputs every implementation is handed — the same values for all four, built
//! deterministically from the repetition number.
//!
//! The database holds `seed_posts` posts (ids `1..=seed_posts`, every even id published,
//! `created_at` one second apart) and the even-numbered half of the tags the tag operation
//! asks for. Writes that add rows are undone between repetitions (see `fixtures.rs`), and
//! writes that change seeded rows keep `published` and `created_at` as seeded, so every
//! repetition of every implementation starts from the same data.

use std::time::Duration;

/// `created_at` of seeded post `i` is this (2024-01-01T00:00:00Z) plus `i` seconds.
pub const SEED_EPOCH: i64 = 1_704_067_200;

/// One benchmarked operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    InsertOne,
    AddMany,
    Get,
    GetManyAndCount,
    UpsertMany,
    TagGetOrCreate,
    UpdateMany,
    DeleteMany,
}

impl Op {
    /// Every operation, in the order of the report.
    pub const ALL: [Op; 8] = [
        Op::InsertOne,
        Op::AddMany,
        Op::Get,
        Op::GetManyAndCount,
        Op::UpsertMany,
        Op::TagGetOrCreate,
        Op::UpdateMany,
        Op::DeleteMany,
    ];

    /// The name in the JSON results, the `worst-ratio` line and `--ops`.
    pub fn key(self) -> &'static str {
        match self {
            Op::InsertOne => "insert_one",
            Op::AddMany => "add_many",
            Op::Get => "get",
            Op::GetManyAndCount => "get_many_and_count",
            Op::UpsertMany => "upsert_many",
            Op::TagGetOrCreate => "tag_get_or_create",
            Op::UpdateMany => "update_many",
            Op::DeleteMany => "delete_many",
        }
    }

    pub fn from_key(key: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.key() == key)
    }

    /// What the operation does, with its sizes, for the tables and the chart.
    pub fn label(self, sizes: &Sizes) -> String {
        match self {
            Op::InsertOne => "insert one post".to_owned(),
            Op::AddMany => format!("add_many {}", thousands(sizes.add_many)),
            Op::Get => "get by id".to_owned(),
            Op::GetManyAndCount => format!(
                "get_many_and_count {} @{} of {}",
                sizes.page_limit,
                thousands(sizes.page_offset as usize),
                thousands(sizes.seed_posts)
            ),
            Op::UpsertMany => format!("upsert_many {} (half new)", thousands(sizes.upsert)),
            Op::TagGetOrCreate => format!("tag get-or-create {} (half new)", thousands(sizes.tags)),
            Op::UpdateMany => format!("update_many {}", thousands(sizes.update)),
            Op::DeleteMany => format!("delete_many {}", thousands(sizes.delete)),
        }
    }

    /// Operations on one row, whose target is 1.2x of sqlx.
    pub fn single_row(self) -> bool {
        matches!(self, Op::InsertOne | Op::Get)
    }
}

/// How big each operation is.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub seed_posts: usize,
    pub add_many: usize,
    pub page_limit: u64,
    pub page_offset: u64,
    pub upsert: usize,
    pub tags: usize,
    pub update: usize,
    pub delete: usize,
}

impl Sizes {
    /// The sizes of the issue.
    pub const FULL: Sizes = Sizes {
        seed_posts: 100_000,
        add_many: 10_000,
        page_limit: 20,
        page_offset: 1_000,
        upsert: 5_000,
        tags: 1_000,
        update: 5_000,
        delete: 5_000,
    };

    /// `--quick`: every code path, in seconds.
    pub const QUICK: Sizes = Sizes {
        seed_posts: 400,
        add_many: 50,
        page_limit: 5,
        page_offset: 10,
        upsert: 20,
        tags: 20,
        update: 20,
        delete: 20,
    };

    /// Seeded posts between two rows touched by `update_many` (and by `upsert_many`).
    fn stride(&self) -> i64 {
        (self.seed_posts / self.update.max(self.upsert).max(1)).max(2) as i64
    }

    /// Seeded posts that are published (the page filter matches these).
    pub fn published_posts(&self) -> u64 {
        (self.seed_posts / 2) as u64
    }
}

/// A post as the workload writes it; keys and audit columns are the implementation's job.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPost {
    pub title: String,
    pub content: String,
    pub published: bool,
}

/// The input of one repetition of one operation.
#[derive(Clone, Debug)]
pub enum Input {
    InsertOne(NewPost),
    AddMany(Vec<NewPost>),
    Get(i64),
    /// `published = true`, newest `created_at` first, one page.
    GetManyAndCount {
        limit: u64,
        offset: u64,
    },
    /// Existing rows carry their id; new rows (every other one) have none.
    UpsertMany(Vec<(Option<i64>, NewPost)>),
    /// Tag names: `as_unique` for each (every even one exists).
    TagGetOrCreate(Vec<String>),
    /// New titles for existing posts.
    UpdateMany(Vec<(i64, String)>),
    DeleteMany(Vec<i64>),
}

/// What an implementation reports for one repetition: the time of the operation alone,
/// and what it returned, to check that all four did the same work.
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    pub elapsed: Duration,
    pub rows: usize,
    /// The total of `get_many_and_count`.
    pub total: Option<u64>,
}

/// The `published` flag of seeded post `id` (updates keep it).
pub fn seed_published(id: i64) -> bool {
    id % 2 == 0
}

/// The tag name number `k` of the tag operation; even numbers are seeded.
pub fn tag_name(k: usize) -> String {
    format!("Tag {k:04}")
}

fn content(tag: &str, i: usize) -> String {
    format!(
        "Body of {tag} post {i}: Advanced Alchemy for SeaORM, measured against plain SeaORM, \
         hand-written sqlx and the Python library on the same tables."
    )
}

fn new_post(tag: &str, i: usize, published: bool) -> NewPost {
    NewPost {
        title: format!("{tag} {i:06}"),
        content: content(tag, i),
        published,
    }
}

/// Inputs per operation and repetition.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    pub sizes: Sizes,
}

impl Workload {
    /// The input of repetition `rep` of `op`. `delete_many` deletes rows the fixtures
    /// created just before (`to_delete`).
    pub fn input(&self, op: Op, rep: usize, to_delete: Vec<i64>) -> Input {
        let s = &self.sizes;
        let tag = format!("r{rep}");
        match op {
            Op::InsertOne => Input::InsertOne(new_post(&format!("one {tag}"), 0, false)),
            Op::AddMany => Input::AddMany(
                (0..s.add_many)
                    .map(|i| new_post(&format!("many {tag}"), i, i % 2 == 0))
                    .collect(),
            ),
            Op::Get => Input::Get(self.pick_id(rep)),
            Op::GetManyAndCount => Input::GetManyAndCount {
                limit: s.page_limit,
                offset: s.page_offset,
            },
            Op::UpsertMany => Input::UpsertMany(
                (0..s.upsert)
                    .map(|i| {
                        if i % 2 == 0 {
                            let id = 1 + (i / 2) as i64 * s.stride();
                            let post = NewPost {
                                published: seed_published(id),
                                ..new_post(&format!("upserted {tag}"), i, false)
                            };
                            (Some(id), post)
                        } else {
                            (None, new_post(&format!("upsert-new {tag}"), i, i % 4 == 1))
                        }
                    })
                    .collect(),
            ),
            Op::TagGetOrCreate => Input::TagGetOrCreate((0..s.tags).map(tag_name).collect()),
            Op::UpdateMany => Input::UpdateMany(
                (0..s.update)
                    .map(|i| {
                        let id = s.stride() / 2 + 1 + i as i64 * s.stride();
                        (id, format!("updated {tag} {id:06}"))
                    })
                    .collect(),
            ),
            Op::DeleteMany => Input::DeleteMany(to_delete),
        }
    }

    /// What every implementation must return for `op`: rows, and the total of a page.
    pub fn expected(&self, op: Op) -> (usize, Option<u64>) {
        let s = &self.sizes;
        match op {
            Op::InsertOne | Op::Get => (1, None),
            Op::AddMany => (s.add_many, None),
            Op::GetManyAndCount => (s.page_limit as usize, Some(s.published_posts())),
            Op::UpsertMany => (s.upsert, None),
            Op::TagGetOrCreate => (s.tags, None),
            Op::UpdateMany => (s.update, None),
            Op::DeleteMany => (s.delete, None),
        }
    }

    /// A seeded post id, spread over the table (a fixed pseudo-random walk).
    fn pick_id(&self, rep: usize) -> i64 {
        let mut x = (rep as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
        1 + (x % self.sizes.seed_posts as u64) as i64
    }
}

/// `12345` as `12,345`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
