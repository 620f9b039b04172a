//! JSON in the Python library's `MultiFilter` shape to [`ParsedFilters`].
//!
//! ```json
//! {"and_": [
//!     {"type": "search", "field_name": ["title", "content"], "value": "rust", "ignore_case": true},
//!     {"or_": [
//!         {"type": "comparison", "field_name": "views", "operator": "ge", "value": 100},
//!         {"type": "collection", "field_name": "id", "values": [1, 2, 3]}
//!     ]},
//!     {"type": "order_by", "field_name": "created_at", "sort_order": "desc"},
//!     {"type": "limit_offset", "limit": 20, "offset": 0}
//! ]}
//! ```

use super::parsed::{self, Budget, ParsedFilters};
use super::schema::{Field, FieldOp, FilterSchema, ValueKind};
use super::value::{bad_value, from_json};
use super::{clip, invalid};
use crate::error::Result;
use crate::filters::{
    BooleanFilter, FilterGroup, LimitOffset, Logic, NullsOrder, OrderBy, Predicate, SortOrder,
};
use sea_orm::EntityTrait;
use sea_orm::sea_query::Value;
use serde_json::{Map, Value as Json};

/// How deep groups may nest.
const MAX_DEPTH: usize = 10;

/// Parses `json` against `schema`.
pub(crate) fn parse<E: EntityTrait>(
    schema: &FilterSchema<E>,
    json: &Json,
) -> Result<ParsedFilters<E>> {
    let Json::Object(top) = json else {
        return Err(invalid(
            "filters must be a JSON object: \"and_\"/\"or_\" lists or one typed filter".to_owned(),
        ));
    };
    let mut state = State {
        schema,
        budget: Budget::new(schema.max_terms),
        order: Vec::new(),
        page: None,
    };
    let root = if top.is_empty() {
        None
    } else {
        state.entry(json, 0)?
    };
    let order = if state.order.is_empty() {
        schema.default_order.clone()
    } else {
        state.order
    };
    let page = match state.page {
        Some(page) => Some(page),
        None => parsed::page(schema, None, None)?,
    };
    let group = FilterGroup::new(Logic::And, root.into_iter().collect());
    Ok(ParsedFilters::new(group, order, page))
}

struct State<'s, E: EntityTrait> {
    schema: &'s FilterSchema<E>,
    budget: Budget,
    order: Vec<OrderBy<E::Column>>,
    page: Option<LimitOffset>,
}

/// `and_`/`or_` (also `and`/`or`) as a [`Logic`].
fn logic(key: &str) -> Option<Logic> {
    match key {
        "and_" | "and" => Some(Logic::And),
        "or_" | "or" => Some(Logic::Or),
        _ => None,
    }
}

impl<E: EntityTrait> State<'_, E> {
    /// An object of `and_`/`or_` lists, `AND`ed; `None` when it holds no condition.
    fn logical(
        &mut self,
        object: &Map<String, Json>,
        depth: usize,
    ) -> Result<Option<Box<dyn Predicate<E>>>> {
        let mut groups = Vec::new();
        for (key, entries) in object {
            let logic = logic(key).ok_or_else(|| {
                invalid(format!(
                    "unknown key {:?} next to \"and_\"/\"or_\"",
                    clip(key)
                ))
            })?;
            if let Some(group) = self.group(logic, entries, depth + 1)? {
                groups.push(group);
            }
        }
        Ok(match groups.len() {
            0 => None,
            1 => groups.pop(),
            _ => Some(Box::new(FilterGroup::new(Logic::And, groups))),
        })
    }

    /// A list of entries combined with `logic`; `None` when no entry is a condition
    /// (as in the Python library, where such a group filters nothing).
    fn group(
        &mut self,
        logic: Logic,
        entries: &Json,
        depth: usize,
    ) -> Result<Option<Box<dyn Predicate<E>>>> {
        if depth > MAX_DEPTH {
            return Err(invalid(format!(
                "filter groups nest too deep (at most {MAX_DEPTH} levels)"
            )));
        }
        let Json::Array(entries) = entries else {
            return Err(invalid("a filter group takes a list of filters".to_owned()));
        };
        let mut members = Vec::new();
        for entry in entries {
            if let Some(member) = self.entry(entry, depth)? {
                members.push(member);
            }
        }
        Ok((!members.is_empty())
            .then(|| Box::new(FilterGroup::new(logic, members)) as Box<dyn Predicate<E>>))
    }

    /// One entry: a nested group or a typed filter.
    fn entry(&mut self, entry: &Json, depth: usize) -> Result<Option<Box<dyn Predicate<E>>>> {
        let Json::Object(object) = entry else {
            return Err(invalid(format!(
                "a filter must be a JSON object, not {}",
                clip(&entry.to_string())
            )));
        };
        if object.keys().any(|k| logic(k).is_some()) {
            return self.logical(object, depth);
        }
        let kind = match object.get("type") {
            Some(Json::String(kind)) => kind.as_str(),
            _ => {
                let keys: Vec<String> = object.keys().map(|k| format!("{:?}", clip(k))).collect();
                return Err(invalid(format!(
                    "a filter needs a text \"type\" (or \"and_\"/\"or_\"); keys found: {}",
                    keys.join(", ")
                )));
            }
        };
        let args = Args { kind, object };
        match kind {
            "before_after" => self.range(&args, [("before", FieldOp::Lt), ("after", FieldOp::Gt)]),
            "on_before_after" => self.range(
                &args,
                [("on_or_before", FieldOp::Le), ("on_or_after", FieldOp::Ge)],
            ),
            "boolean" => {
                args.only(&["field_name", "value"])?;
                let field = self.field(&args)?;
                field.check(FieldOp::Eq)?;
                if field.kind() != Some(ValueKind::Bool) {
                    return Err(invalid(format!(
                        "field {:?} is not a boolean",
                        field.name()
                    )));
                }
                let value = match args.get("value") {
                    None | Some(Json::Null) => None,
                    Some(json) => match from_json(field.name(), ValueKind::Bool, json)? {
                        Value::Bool(b) => b,
                        _ => None,
                    },
                };
                self.predicate(Ok(Box::new(BooleanFilter::new(field.column(), value))))
            }
            "collection" | "choices" => self.collection(&args, FieldOp::In),
            "not_in_collection" => self.collection(&args, FieldOp::NotIn),
            "null" | "not_null" => {
                args.only(&["field_name"])?;
                let field = self.field(&args)?;
                self.predicate(parsed::nullness(field, kind == "null"))
            }
            "search" | "not_in_search" => {
                args.only(&["field_name", "value", "ignore_case", "escape_wildcards"])?;
                let ignore_case = args.flag("ignore_case")?;
                // wildcards are always escaped here; the flag is accepted for compatibility
                args.flag("escape_wildcards")?;
                let op = match (kind == "search", ignore_case) {
                    (true, false) => FieldOp::Contains,
                    (true, true) => FieldOp::IContains,
                    (false, false) => FieldOp::NotContains,
                    (false, true) => FieldOp::NotIContains,
                };
                self.text(&args, op)
            }
            "comparison" => self.comparison(&args),
            "limit_offset" => {
                args.only(&["limit", "offset"])?;
                if self.page.is_some() {
                    return Err(invalid("\"limit_offset\" is given twice".to_owned()));
                }
                let limit = args.number("limit")?;
                let offset = args.number("offset")?;
                self.page = parsed::page(self.schema, limit, offset)?;
                Ok(None)
            }
            "order_by" => {
                args.only(&["field_name", "sort_order", "nulls"])?;
                let name = args.string("field_name")?;
                let sort_order = match args.get("sort_order") {
                    None | Some(Json::Null) => SortOrder::Asc,
                    Some(json) => serde_json::from_value(json.clone()).map_err(|_| {
                        invalid(format!(
                            "invalid \"sort_order\" (expected asc or desc): {}",
                            clip(&json.to_string())
                        ))
                    })?,
                };
                let nulls: Option<NullsOrder> = match args.get("nulls") {
                    None | Some(Json::Null) => None,
                    Some(json) => Some(serde_json::from_value(json.clone()).map_err(|_| {
                        invalid(format!(
                            "invalid \"nulls\" (expected first or last): {}",
                            clip(&json.to_string())
                        ))
                    })?),
                };
                self.budget.spend()?;
                let order = parsed::order_by(self.schema, &name, sort_order, nulls)?;
                self.order.push(order);
                Ok(None)
            }
            "filter_group" => {
                args.only(&["logical_operator", "filters"])?;
                let logic = match args.get("logical_operator") {
                    Some(Json::String(op)) => logic(op.as_str()),
                    _ => None,
                }
                .ok_or_else(|| {
                    invalid("\"filter_group\" needs a \"logical_operator\" of and or or".to_owned())
                })?;
                let filters = args.get("filters").unwrap_or(&Json::Null);
                self.group(logic, filters, depth + 1)
            }
            "exists" | "not_exists" => Err(invalid(format!(
                "{kind:?} filters hold SQL expressions and cannot be built from JSON; use ExistsFilter in code"
            ))),
            other => Err(invalid(format!("unknown filter type {:?}", clip(other)))),
        }
    }

    /// Counts a condition against the budget.
    fn predicate(
        &mut self,
        predicate: Result<Box<dyn Predicate<E>>>,
    ) -> Result<Option<Box<dyn Predicate<E>>>> {
        self.budget.spend()?;
        predicate.map(Some)
    }

    /// The field named by `field_name`.
    fn field(&self, args: &Args<'_>) -> Result<&Field<E::Column>> {
        self.schema.require(&args.string("field_name")?)
    }

    /// The value kind of `field`, when it has one.
    fn kind(field: &Field<E::Column>) -> Result<ValueKind> {
        field
            .kind()
            .ok_or_else(|| invalid(format!("field {:?} only allows null checks", field.name())))
    }

    /// `before_after` and `on_before_after`: each bound present is a comparison.
    fn range(
        &mut self,
        args: &Args<'_>,
        bounds: [(&str, FieldOp); 2],
    ) -> Result<Option<Box<dyn Predicate<E>>>> {
        args.only(&["field_name", bounds[0].0, bounds[1].0])?;
        let field = self.field(args)?;
        let kind = Self::kind(field)?;
        let mut members = Vec::new();
        for (key, op) in bounds {
            if let Some(json) = args.get(key).filter(|j| !j.is_null()) {
                members.push(parsed::comparison(
                    field,
                    op,
                    from_json(field.name(), kind, json)?,
                )?);
            }
        }
        if members.is_empty() {
            return Ok(None);
        }
        self.predicate(Ok(Box::new(FilterGroup::new(Logic::And, members))))
    }

    /// `collection` and `not_in_collection`: `values` a list, or null for no filter.
    fn collection(
        &mut self,
        args: &Args<'_>,
        op: FieldOp,
    ) -> Result<Option<Box<dyn Predicate<E>>>> {
        args.only(&["field_name", "values"])?;
        let field = self.field(args)?;
        let values = match args.get("values") {
            None | Some(Json::Null) => None,
            Some(json) => Some(self.values(field, json)?),
        };
        let predicate = parsed::membership(self.schema, field, op, values);
        self.predicate(predicate)
    }

    /// A JSON list as values of `field`.
    fn values(&self, field: &Field<E::Column>, json: &Json) -> Result<Vec<Value>> {
        let kind = Self::kind(field)?;
        let Json::Array(items) = json else {
            return Err(invalid(format!(
                "field {:?} takes a list here, not {}",
                field.name(),
                clip(&json.to_string())
            )));
        };
        if items.len() > self.schema.max_values {
            return Err(invalid(format!(
                "too many values for field {:?} ({}, at most {} are allowed)",
                field.name(),
                items.len(),
                self.schema.max_values
            )));
        }
        items
            .iter()
            .map(|item| from_json(field.name(), kind, item))
            .collect()
    }

    /// `search`-like entries: `field_name` one name or a list, `value` text.
    fn text(&mut self, args: &Args<'_>, op: FieldOp) -> Result<Option<Box<dyn Predicate<E>>>> {
        let names: Vec<String> = match args.get("field_name") {
            Some(Json::Array(names)) => names
                .iter()
                .map(|n| match n {
                    Json::String(s) => Ok(s.clone()),
                    other => Err(invalid(format!(
                        "field names are text, not {}",
                        clip(&other.to_string())
                    ))),
                })
                .collect::<Result<_>>()?,
            _ => vec![args.string("field_name")?],
        };
        let fields = names
            .iter()
            .map(|name| self.schema.require(name))
            .collect::<Result<Vec<_>>>()?;
        let value = match args.get("value") {
            Some(Json::String(value)) => value.clone(),
            other => {
                let shown = other
                    .map(Json::to_string)
                    .unwrap_or_else(|| "nothing".into());
                return Err(invalid(format!(
                    "\"{}\" needs a text \"value\", not {}",
                    args.kind,
                    clip(&shown)
                )));
            }
        };
        let predicate = parsed::text_match(&fields, op, value);
        self.predicate(predicate)
    }

    /// `comparison`, with the Python library's operator names.
    fn comparison(&mut self, args: &Args<'_>) -> Result<Option<Box<dyn Predicate<E>>>> {
        args.only(&["field_name", "operator", "value"])?;
        let operator = args.string("operator")?;
        let op = match operator.as_str() {
            "eq" => FieldOp::Eq,
            "ne" => FieldOp::Ne,
            "gt" => FieldOp::Gt,
            "ge" | "gte" => FieldOp::Ge,
            "lt" => FieldOp::Lt,
            "le" | "lte" => FieldOp::Le,
            "in" => FieldOp::In,
            "notin" | "not_in" => FieldOp::NotIn,
            "startswith" => FieldOp::StartsWith,
            "istartswith" => FieldOp::IStartsWith,
            "endswith" => FieldOp::EndsWith,
            "iendswith" => FieldOp::IEndsWith,
            "contains" => FieldOp::Contains,
            "icontains" => FieldOp::IContains,
            "between" => {
                let field = self.field(args)?;
                let kind = Self::kind(field)?;
                let bounds = match args.get("value") {
                    Some(Json::Array(pair)) if pair.len() == 2 => pair,
                    _ => {
                        return Err(invalid("\"between\" takes a list of two values".to_owned()));
                    }
                };
                let low = parsed::comparison(
                    field,
                    FieldOp::Ge,
                    from_json(field.name(), kind, &bounds[0])?,
                )?;
                let high = parsed::comparison(
                    field,
                    FieldOp::Le,
                    from_json(field.name(), kind, &bounds[1])?,
                )?;
                return self.predicate(Ok(Box::new(FilterGroup::new(Logic::And, vec![low, high]))));
            }
            "like" | "ilike" | "dateeq" => {
                return Err(invalid(format!(
                    "operator {operator:?} is not supported: use startswith, endswith or a search"
                )));
            }
            other => {
                return Err(invalid(format!(
                    "unknown comparison operator {:?}",
                    clip(other)
                )));
            }
        };
        if op.is_text_match() {
            return self.text(args, op);
        }
        let field = self.field(args)?;
        let value = args.get("value").unwrap_or(&Json::Null);
        if matches!(op, FieldOp::In | FieldOp::NotIn) {
            let values = self.values(field, value)?;
            let predicate = parsed::membership(self.schema, field, op, Some(values));
            return self.predicate(predicate);
        }
        let kind = Self::kind(field)?;
        let value = if value.is_null() {
            return Err(bad_value(field.name(), kind, "null"));
        } else {
            from_json(field.name(), kind, value)?
        };
        let predicate = parsed::comparison(field, op, value);
        self.predicate(predicate)
    }
}

/// The keys of one typed entry.
struct Args<'a> {
    kind: &'a str,
    object: &'a Map<String, Json>,
}

impl Args<'_> {
    fn get(&self, key: &str) -> Option<&Json> {
        self.object.get(key)
    }

    /// Refuses keys other than `type` and `allowed` (a typo is an error, not a
    /// silently dropped condition).
    fn only(&self, allowed: &[&str]) -> Result<()> {
        match self
            .object
            .keys()
            .find(|k| k.as_str() != "type" && !allowed.contains(&k.as_str()))
        {
            Some(key) => Err(invalid(format!(
                "unknown key {:?} in a {:?} filter (expected {})",
                clip(key),
                self.kind,
                allowed.join(", ")
            ))),
            None => Ok(()),
        }
    }

    fn string(&self, key: &str) -> Result<String> {
        match self.object.get(key) {
            Some(Json::String(s)) => Ok(s.clone()),
            _ => Err(invalid(format!(
                "a {:?} filter needs a text {key:?}",
                self.kind
            ))),
        }
    }

    /// A boolean option, false when absent or null.
    fn flag(&self, key: &str) -> Result<bool> {
        match self.object.get(key) {
            None | Some(Json::Null) => Ok(false),
            Some(Json::Bool(b)) => Ok(*b),
            Some(other) => Err(invalid(format!(
                "{key:?} is true or false, not {}",
                clip(&other.to_string())
            ))),
        }
    }

    fn number(&self, key: &str) -> Result<Option<u64>> {
        match self.object.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
            Some(other) => Err(invalid(format!(
                "{key:?} is a whole number, not {}",
                clip(&other.to_string())
            ))),
        }
    }
}
