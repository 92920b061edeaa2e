//! Pagination in scripts: `zoom.get_all`, `zoom.pages` and `zoom.items`, over
//! [`crate::zoom::PageWalker`].
//!
//! `get_all` returns every item as one array. `pages` and `items` return a lazy iterable (the
//! `Pages` type, registered as a fallible Rhai iterator): `for page in zoom.pages(...)` fetches a
//! page only when the loop asks for the next one, so `break` stops fetching and memory holds one
//! page at a time. Errors surface at the `for` line as the same catchable maps other calls throw.

use super::bindings::{ZoomApi, bad_argument, query_pairs};
use super::convert::to_dynamic;
use crate::zoom::{PageOptions, PageWalker};
use rhai::{Array, Dynamic, Engine, EvalAltResult, Map, NativeCallContext, Position};
use std::collections::VecDeque;

type RhaiResult = Result<Dynamic, Box<EvalAltResult>>;

/// What a `for` loop over `zoom.pages(...)` or `zoom.items(...)` walks. Holding one starts
/// nothing; each loop over it is a fresh walk.
#[derive(Clone)]
pub struct Pages {
    api: ZoomApi,
    path: String,
    query: Vec<(String, String)>,
    opts: PageOptions,
    /// Yield items one by one instead of whole pages.
    items: bool,
}

/// One walk in progress.
pub struct PageIter {
    api: ZoomApi,
    walker: PageWalker,
    items: bool,
    buffered: VecDeque<serde_json::Value>,
    failed: bool,
}

impl IntoIterator for Pages {
    type Item = RhaiResult;
    type IntoIter = PageIter;

    fn into_iter(self) -> PageIter {
        let walker = PageWalker::new(self.api.client().clone(), &self.path, self.query, self.opts);
        PageIter {
            api: self.api,
            walker,
            items: self.items,
            buffered: VecDeque::new(),
            failed: false,
        }
    }
}

impl Iterator for PageIter {
    type Item = RhaiResult;

    fn next(&mut self) -> Option<RhaiResult> {
        loop {
            if let Some(item) = self.buffered.pop_front() {
                return Some(Ok(to_dynamic(&item)));
            }
            if self.failed {
                return None;
            }
            let walker = &mut self.walker;
            // The `for` statement fills in its own position.
            let next = self.api.block_on(
                async move {
                    match walker.next_page().await {
                        None => Ok(None),
                        Some(Ok(page)) => Ok(Some(page)),
                        Some(Err(e)) => Err(e),
                    }
                },
                Position::NONE,
            );
            match next {
                Ok(None) => return None,
                Ok(Some(page)) if self.items => self.buffered.extend(page.into_items()),
                Ok(Some(page)) => return Some(Ok(to_dynamic(&page.body))),
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

/// Read `#{max_items, max_pages, page_size, field}`.
fn options(ctx: &NativeCallContext, opts: &Map) -> Result<PageOptions, Box<EvalAltResult>> {
    let mut out = PageOptions::default();
    for (key, value) in opts {
        let count = |v: &Dynamic| -> Result<usize, Box<EvalAltResult>> {
            match v.as_int() {
                Ok(n) if n >= 0 => Ok(n as usize),
                _ => Err(bad_argument(
                    ctx,
                    format!("opts.{key} must be a whole number, 0 or more; got {v}"),
                )),
            }
        };
        match key.as_str() {
            "max_items" => out.max_items = Some(count(value)?),
            "max_pages" => out.max_pages = Some(count(value)?),
            "page_size" => {
                let n = count(value)?;
                out.page_size = Some(u32::try_from(n.max(1)).unwrap_or(u32::MAX));
            }
            "field" => out.field = Some(value.to_string()),
            other => {
                return Err(bad_argument(
                    ctx,
                    format!(
                        "unknown option {other:?}; use max_items, max_pages, page_size or field"
                    ),
                ));
            }
        }
    }
    Ok(out)
}

fn get_all(
    ctx: &NativeCallContext,
    z: &ZoomApi,
    path: &str,
    query: &Map,
    opts: &Map,
) -> RhaiResult {
    let query = query_pairs(ctx, query)?;
    let opts = options(ctx, opts)?;
    let mut walker = PageWalker::new(z.client().clone(), path, query, opts);
    // Page by page, so only one page is ever held as JSON beside the script values.
    let mut array = Array::new();
    while let Some(page) = z.block_on(
        async { walker.next_page().await.transpose() },
        ctx.call_position(),
    )? {
        array.extend(page.into_items().iter().map(to_dynamic));
    }
    Ok(Dynamic::from_array(array))
}

fn pages(
    ctx: &NativeCallContext,
    z: &ZoomApi,
    path: &str,
    query: &Map,
    opts: &Map,
    items: bool,
) -> Result<Pages, Box<EvalAltResult>> {
    Ok(Pages {
        api: z.clone(),
        path: path.to_string(),
        query: query_pairs(ctx, query)?,
        opts: options(ctx, opts)?,
        items,
    })
}

/// Register `get_all`, `pages`, `items` and the `Pages` iterable.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<Pages>("Pages");
    engine.register_iterator_result::<Pages, Dynamic>();
    engine.register_fn("to_string", |p: &mut Pages| {
        format!("pages of GET {} (iterate with for)", p.path)
    });
    engine.register_fn("to_debug", |p: &mut Pages| {
        format!("pages of GET {} (iterate with for)", p.path)
    });

    let none = Map::new;
    engine.register_fn(
        "get_all",
        move |ctx: NativeCallContext, z: &mut ZoomApi, path: &str| {
            get_all(&ctx, z, path, &none(), &none())
        },
    );
    engine.register_fn(
        "get_all",
        move |ctx: NativeCallContext, z: &mut ZoomApi, path: &str, query: Map| {
            get_all(&ctx, z, path, &query, &none())
        },
    );
    engine.register_fn(
        "get_all",
        |ctx: NativeCallContext, z: &mut ZoomApi, path: &str, query: Map, opts: Map| {
            get_all(&ctx, z, path, &query, &opts)
        },
    );
    for (name, items) in [("pages", false), ("items", true)] {
        engine.register_fn(
            name,
            move |ctx: NativeCallContext, z: &mut ZoomApi, path: &str| {
                pages(&ctx, z, path, &none(), &none(), items)
            },
        );
        engine.register_fn(
            name,
            move |ctx: NativeCallContext, z: &mut ZoomApi, path: &str, query: Map| {
                pages(&ctx, z, path, &query, &none(), items)
            },
        );
        engine.register_fn(
            name,
            move |ctx: NativeCallContext, z: &mut ZoomApi, path: &str, query: Map, opts: Map| {
                pages(&ctx, z, path, &query, &opts, items)
            },
        );
    }
}
