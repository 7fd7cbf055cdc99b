using System.Diagnostics.CodeAnalysis;
using Store.Auth;

namespace Store.Http;

/// <summary>
/// The routes of an area under one access rule. A slice maps its route here by its path below the area's prefix
/// (<c>""</c> for the area's root) and adds only its own metadata: every route gets the rule, so none can lack one.
/// </summary>
/// <remarks>
/// The rule is the first convention of each route, right after the metadata inferred from its handler, as a slice's own
/// <c>.RequireAccess</c> was; the OpenAPI document lists a route's answers in metadata order (README, how the code is
/// laid out, says why a MapGroup convention does not do). The prefix is joined here, not by MapGroup, which makes the
/// root <c>/compute/</c>.
/// </remarks>
public sealed class ApiGroup(IEndpointRouteBuilder routes, string prefix, Access access)
{
    public RouteHandlerBuilder MapGet([StringSyntax("Route")] string pattern, Delegate handler) =>
        routes.MapGet(Path(pattern), handler).RequireAccess(access);

    public RouteHandlerBuilder MapPost([StringSyntax("Route")] string pattern, Delegate handler) =>
        routes.MapPost(Path(pattern), handler).RequireAccess(access);

    public RouteHandlerBuilder MapPut([StringSyntax("Route")] string pattern, Delegate handler) =>
        routes.MapPut(Path(pattern), handler).RequireAccess(access);

    public RouteHandlerBuilder MapPatch([StringSyntax("Route")] string pattern, Delegate handler) =>
        routes.MapPatch(Path(pattern), handler).RequireAccess(access);

    public RouteHandlerBuilder MapDelete([StringSyntax("Route")] string pattern, Delegate handler) =>
        routes.MapDelete(Path(pattern), handler).RequireAccess(access);

    public RouteHandlerBuilder MapMethods([StringSyntax("Route")] string pattern, IEnumerable<string> httpMethods, Delegate handler) =>
        routes.MapMethods(Path(pattern), httpMethods, handler).RequireAccess(access);

    string Path(string pattern) => pattern.Length == 0 || pattern.StartsWith('/')
        ? prefix + pattern
        : throw new ArgumentException($"A route's path below its area starts with '/' or is empty, not '{pattern}'.", nameof(pattern));
}
