//! Query-string parameters to [`ParsedFilters`] (syntax in the [module docs](super)).

use super::parsed::{self, Budget, ParsedFilters};
use super::schema::{FieldOp, FilterSchema};
use super::value::{from_text, parse_bool};
use super::{clip, invalid};
use crate::error::Result;
use crate::filters::{FilterGroup, NullsOrder, OrderBy, Predicate, SortOrder};
use sea_orm::EntityTrait;
use sea_orm::sea_query::Value;

/// Parses `pairs` against `schema`.
pub(crate) fn parse<E, K, V>(
    schema: &FilterSchema<E>,
    pairs: impl Iterator<Item = (K, V)>,
) -> Result<ParsedFilters<E>>
where
    E: EntityTrait,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut state = State::new(schema);
    for (key, value) in pairs {
        state.param(key.as_ref(), value.as_ref())?;
    }
    state.finish()
}

/// The parameters seen so far.
struct State<'s, E: EntityTrait> {
    schema: &'s FilterSchema<E>,
    budget: Budget,
    filters: Vec<Box<dyn Predicate<E>>>,
    /// Each single-valued parameter, by name, once.
    once: Vec<(&'static str, String)>,
}

/// The parameters that are not filters on a field (snake and Litestar spellings).
const CONTROL: [&str; 15] = [
    "order_by",
    "orderBy",
    "sortOrder",
    "sort_order",
    "limit",
    "offset",
    "currentPage",
    "pageSize",
    "searchString",
    "search",
    "searchIgnoreCase",
    "search_ignore_case",
    "searchField",
    "search_fields",
    "ids",
];

/// The Litestar provider's date-range parameters: (name, field, operation).
const RANGES: [(&str, &str, FieldOp); 4] = [
    ("createdBefore", "created_at", FieldOp::Lt),
    ("createdAfter", "created_at", FieldOp::Gt),
    ("updatedBefore", "updated_at", FieldOp::Lt),
    ("updatedAfter", "updated_at", FieldOp::Gt),
];

impl<'s, E: EntityTrait> State<'s, E> {
    fn new(schema: &'s FilterSchema<E>) -> Self {
        Self {
            schema,
            budget: Budget::new(schema.max_terms),
            filters: Vec::new(),
            once: Vec::new(),
        }
    }

    fn param(&mut self, key: &str, raw: &str) -> Result<()> {
        if self.schema.ignored.iter().any(|name| name == key) {
            return Ok(());
        }
        if let Some(name) = CONTROL.iter().find(|name| **name == key) {
            if self.once.iter().any(|(seen, _)| seen == name) {
                return Err(invalid(format!("parameter {name:?} is given twice")));
            }
            self.once.push((name, raw.to_owned()));
            return Ok(());
        }
        if let Some((_, field, op)) = RANGES.iter().find(|(name, ..)| *name == key) {
            let field = self.schema.require(field)?;
            let kind = field.kind().unwrap_or(super::ValueKind::Text);
            let value = from_text(field.name(), kind, raw)?;
            return self.push(parsed::comparison(field, *op, value));
        }
        let (name, op) = match self.schema.get(key) {
            Some(_) => (key, FieldOp::Eq),
            None => match key.rsplit_once("__") {
                Some((name, op)) => {
                    self.schema.require(name)?;
                    let op = op.parse::<FieldOp>().map_err(|_| {
                        invalid(format!(
                            "unknown operator {:?} for field {:?}",
                            clip(op),
                            clip(name)
                        ))
                    })?;
                    (name, op)
                }
                None => {
                    self.schema.require(key)?;
                    (key, FieldOp::Eq)
                }
            },
        };
        self.term(name, op, raw)
    }

    /// `name__op=raw`.
    fn term(&mut self, name: &str, op: FieldOp, raw: &str) -> Result<()> {
        let schema = self.schema;
        let field = schema.require(name)?;
        field.check(op)?;
        let predicate = match op {
            FieldOp::IsNull => {
                let is_null = parse_bool(raw).ok_or_else(|| {
                    invalid(format!(
                        "invalid value for {:?} (expected true or false): {:?}",
                        format!("{name}__isnull"),
                        clip(raw)
                    ))
                })?;
                parsed::nullness(field, is_null)
            }
            op if op.is_text_match() => parsed::text_match(&[field], op, raw.to_owned()),
            FieldOp::In | FieldOp::NotIn => {
                let values = self.list(name, raw)?;
                parsed::membership(schema, field, op, Some(values))
            }
            op => {
                let kind = field
                    .kind()
                    .ok_or_else(|| invalid(format!("field {name:?} only allows \"isnull\"")))?;
                parsed::comparison(field, op, from_text(name, kind, raw)?)
            }
        };
        self.push(predicate)
    }

    /// A comma-separated list for the field called `name` (`\,` is a comma inside a
    /// value, `\\` a backslash; nothing at all is the empty list).
    fn list(&self, name: &str, raw: &str) -> Result<Vec<Value>> {
        let field = self.schema.require(name)?;
        let kind = field
            .kind()
            .ok_or_else(|| invalid(format!("field {name:?} only allows \"isnull\"")))?;
        let items = split_list(raw);
        if items.len() > self.schema.max_values {
            return Err(invalid(format!(
                "too many values for field {name:?} ({}, at most {} are allowed)",
                items.len(),
                self.schema.max_values
            )));
        }
        items
            .iter()
            .map(|item| from_text(name, kind, item))
            .collect()
    }

    fn push(&mut self, predicate: Result<Box<dyn Predicate<E>>>) -> Result<()> {
        self.budget.spend()?;
        self.filters.push(predicate?);
        Ok(())
    }

    fn take(&mut self, name: &str) -> Option<String> {
        let at = self.once.iter().position(|(seen, _)| *seen == name)?;
        Some(self.once.swap_remove(at).1)
    }

    /// Either spelling of a parameter, not both.
    fn take_either(&mut self, a: &str, b: &str) -> Result<Option<String>> {
        match (self.take(a), self.take(b)) {
            (Some(_), Some(_)) => Err(invalid(format!("give either {a:?} or {b:?}, not both"))),
            (x, y) => Ok(x.or(y)),
        }
    }

    fn number(&mut self, name: &str) -> Result<Option<u64>> {
        self.take(name)
            .map(|raw| {
                raw.trim().parse::<u64>().map_err(|_| {
                    invalid(format!(
                        "invalid value for {name:?} (expected a whole number): {:?}",
                        clip(&raw)
                    ))
                })
            })
            .transpose()
    }

    fn finish(mut self) -> Result<ParsedFilters<E>> {
        if let Some(ids) = self.take("ids") {
            let values = self.list("id", &ids)?;
            let field = self.schema.require("id")?;
            let predicate = parsed::membership(self.schema, field, FieldOp::In, Some(values));
            self.push(predicate)?;
        }
        self.search()?;
        let order = self.order()?;
        let page = self.page()?;
        let group = FilterGroup::new(crate::filters::Logic::And, self.filters);
        Ok(ParsedFilters::new(group, order, page))
    }

    /// `searchString` (or `search`) over `searchField` (or `search_fields`, comma
    /// separated) or the schema's search fields; `searchIgnoreCase` (or
    /// `search_ignore_case`).
    fn search(&mut self) -> Result<()> {
        let value = self.take_either("searchString", "search")?;
        let ignore_case = self.take_either("searchIgnoreCase", "search_ignore_case")?;
        let names = self.take_either("searchField", "search_fields")?;
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            return Ok(());
        };
        let ignore_case = match ignore_case {
            Some(raw) => parse_bool(&raw).ok_or_else(|| {
                invalid(format!(
                    "invalid value for \"searchIgnoreCase\" (expected true or false): {:?}",
                    clip(&raw)
                ))
            })?,
            None => false,
        };
        let names: Vec<String> = match names {
            Some(list) => split_list(&list)
                .into_iter()
                .map(|s| s.trim().to_owned())
                .collect(),
            None => self.schema.search_fields.clone(),
        };
        if names.is_empty() {
            return Err(invalid(
                "no field to search: name them with \"searchField\"".to_owned(),
            ));
        }
        let fields = names
            .iter()
            .map(|name| self.schema.require(name))
            .collect::<Result<Vec<_>>>()?;
        let op = if ignore_case {
            FieldOp::IContains
        } else {
            FieldOp::Contains
        };
        let predicate = parsed::text_match(&fields, op, value);
        self.push(predicate)
    }

    /// `order_by=-a,b:nulls_last` or `orderBy=a&sortOrder=desc`, else the default.
    fn order(&mut self) -> Result<Vec<OrderBy<E::Column>>> {
        let list = self.take("order_by");
        let single = self.take("orderBy");
        let direction = self.take_either("sortOrder", "sort_order")?;
        let direction = direction
            .map(|raw| match raw.trim().to_ascii_lowercase().as_str() {
                "asc" => Ok(SortOrder::Asc),
                "desc" => Ok(SortOrder::Desc),
                _ => Err(invalid(format!(
                    "invalid value for \"sortOrder\" (expected asc or desc): {:?}",
                    clip(&raw)
                ))),
            })
            .transpose()?;
        match (list, single) {
            (Some(_), Some(_)) => Err(invalid(
                "give either \"order_by\" or \"orderBy\", not both".to_owned(),
            )),
            (Some(list), None) => {
                if direction.is_some() {
                    return Err(invalid(
                        "\"sortOrder\" goes with \"orderBy\"; in \"order_by\" prefix a field with - to sort descending".to_owned(),
                    ));
                }
                split_list(&list)
                    .iter()
                    .map(|item| {
                        self.budget.spend()?;
                        sort_item(self.schema, item)
                    })
                    .collect()
            }
            (None, Some(name)) => Ok(vec![parsed::order_by(
                self.schema,
                name.trim(),
                direction.unwrap_or_default(),
                None,
            )?]),
            (None, None) if direction.is_some() => {
                Err(invalid("\"sortOrder\" needs \"orderBy\"".to_owned()))
            }
            (None, None) => Ok(self.schema.default_order.clone()),
        }
    }

    /// `limit`/`offset` or `currentPage`/`pageSize` (1-based), not both.
    fn page(&mut self) -> Result<Option<crate::filters::LimitOffset>> {
        let limit = self.number("limit")?;
        let offset = self.number("offset")?;
        let current = self.number("currentPage")?;
        let size = self.number("pageSize")?;
        if (limit.is_some() || offset.is_some()) && (current.is_some() || size.is_some()) {
            return Err(invalid(
                "give either \"limit\"/\"offset\" or \"currentPage\"/\"pageSize\", not both"
                    .to_owned(),
            ));
        }
        if current.is_none() && size.is_none() {
            return parsed::page(self.schema, limit, offset);
        }
        let current = current.unwrap_or(1);
        if current == 0 {
            return Err(invalid("\"currentPage\" starts at 1".to_owned()));
        }
        let size = size
            .or(self.schema.default_page_size)
            .unwrap_or(self.schema.max_page_size);
        let offset = (current - 1)
            .checked_mul(size)
            .ok_or_else(|| invalid(format!("\"currentPage\" {current} is too large")))?;
        parsed::page(self.schema, Some(size), Some(offset))
    }
}

/// One `order_by` item: `[-|+]field[:nulls_first|:nulls_last]`.
fn sort_item<E: EntityTrait>(schema: &FilterSchema<E>, item: &str) -> Result<OrderBy<E::Column>> {
    let (item, nulls) = match item.trim().rsplit_once(':') {
        Some((item, "nulls_first")) => (item, Some(NullsOrder::First)),
        Some((item, "nulls_last")) => (item, Some(NullsOrder::Last)),
        Some((_, other)) => {
            return Err(invalid(format!(
                "invalid sort option {:?} (expected nulls_first or nulls_last)",
                clip(other)
            )));
        }
        None => (item.trim(), None),
    };
    let (name, sort_order) = match item.strip_prefix('-') {
        Some(name) => (name, SortOrder::Desc),
        // a `+` arrives as a space from a query string, trimmed above
        None => (item.strip_prefix('+').unwrap_or(item), SortOrder::Asc),
    };
    parsed::order_by(schema, name, sort_order, nulls)
}

/// Splits on commas not escaped with a backslash; `\\` is a backslash. The empty
/// string is the empty list.
pub(crate) fn split_list(raw: &str) -> Vec<String> {
    if raw.is_empty() {
        return Vec::new();
    }
    let mut items = vec![String::new()];
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next @ (',' | '\\')) => push_char(&mut items, next),
                Some(other) => {
                    push_char(&mut items, '\\');
                    push_char(&mut items, other);
                }
                None => push_char(&mut items, '\\'),
            },
            ',' => items.push(String::new()),
            c => push_char(&mut items, c),
        }
    }
    items
}

fn push_char(items: &mut [String], c: char) {
    if let Some(last) = items.last_mut() {
        last.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::split_list;

    #[test]
    fn lists_split_on_unescaped_commas() {
        assert!(split_list("").is_empty());
        assert_eq!(split_list("1,2,3"), ["1", "2", "3"]);
        assert_eq!(split_list(r"a\,b,c\\,d\x"), ["a,b", r"c\", r"d\x"]);
        assert_eq!(split_list("a,"), ["a", ""]);
    }
}
