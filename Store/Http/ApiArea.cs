using Store.Auth;

namespace Store.Http;

/// <summary>
/// One area of the route table (<c>/entities</c>, <c>/compute</c> …): its path prefix and OpenAPI tag, declared once.
/// <see cref="Group"/> gives the part of the area under one access rule, through which its slices map their routes.
/// </summary>
public sealed class ApiArea
{
    readonly IEndpointRouteBuilder _routes;
    readonly string _prefix;

    ApiArea(IEndpointRouteBuilder routes, string prefix)
    {
        if (prefix.EndsWith('/') || (prefix.Length > 0 && !prefix.StartsWith('/')))
            throw new ArgumentException($"An area's prefix starts with '/' and does not end with one, not '{prefix}'.", nameof(prefix));
        _routes = routes;
        _prefix = prefix;
    }

    public static ApiArea Map(IEndpointRouteBuilder app, string prefix, string tag) => new(app.MapGroup("").WithTags(tag), prefix);

    public ApiGroup Group(Access access) => new(_routes, _prefix, access);
}
