//! A router that remembers its paths. The authorisation test walks every path
//! the server answers (and finds each path's methods by asking), so a route
//! added without an access rule in that test fails it; the list comes from the
//! same calls that build the router, so it cannot drift from it.

use axum::Router;
use axum::handler::Handler;
use axum::routing::MethodRouter;

use crate::AppState;

#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    paths: Vec<String>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    /// A router built elsewhere (the documented API) with the paths it has.
    pub fn from_parts(router: Router<AppState>, paths: Vec<String>) -> Routes {
        Routes { router, paths }
    }

    pub fn route(mut self, path: &str, method_router: MethodRouter<AppState>) -> Routes {
        self.paths.push(path.to_string());
        self.router = self.router.route(path, method_router);
        self
    }

    /// Every path of `other`, below `prefix`.
    pub fn nest(mut self, prefix: &str, other: Routes) -> Routes {
        self.paths
            .extend(other.paths.into_iter().map(|p| format!("{prefix}{p}")));
        self.router = self.router.nest(prefix, other.router);
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.paths.extend(other.paths);
        self.router = self.router.merge(other.router);
        self
    }

    pub fn fallback<H, T>(mut self, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.fallback(handler);
        self
    }

    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
