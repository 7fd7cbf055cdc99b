namespace Store.Http;

/// <summary>One documented request content type and the schema(s) it takes (several become a oneOf).</summary>
public sealed record DocumentedBody(string ContentType, IReadOnlyList<Type> Schemas);

/// <summary>
/// Documents a request body for OpenAPI without routing on its Content-Type. ASP.NET's <c>Accepts</c> would
/// answer another content type with 415 before the handler runs; the store answers a body of the wrong kind
/// with the 422 list form instead (contract section 7), so the handler must see it. Hosting/OpenApiSetup renders it.
/// </summary>
public static class BodyDocs
{
    public static RouteHandlerBuilder DocumentsBody<T>(this RouteHandlerBuilder builder, params string[] contentTypes)
    {
        foreach (var contentType in contentTypes) builder.WithMetadata(new DocumentedBody(contentType, [typeof(T)]));
        return builder;
    }

    public static RouteHandlerBuilder DocumentsBody(this RouteHandlerBuilder builder, string contentType, params Type[] oneOf) =>
        builder.WithMetadata(new DocumentedBody(contentType, oneOf));
}
