using Store.Http;

namespace Store.Auth;

/// <summary>Who may call an endpoint. Each slice declares one with <see cref="AccessExtensions.RequireAccess{T}"/>.</summary>
public enum Access
{
    /// <summary>Always open (health, capabilities).</summary>
    Public,
    /// <summary>Entity reads: open unless read-auth is on; then media_store_read or media_store_write.</summary>
    EntityRead,
    /// <summary>Entity writes: media_store_write.</summary>
    EntityWrite,
    /// <summary>Jobs and workers: ai_inference_support.</summary>
    Inference,
    /// <summary>Everything under /admin.</summary>
    Admin,
}

public sealed record AccessMetadata(Access Access);

public static class AccessExtensions
{
    /// <summary>Declares the rule and documents the answers the access check can give (OpenAPI).</summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, Access access) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new AccessMetadata(access));
        // Even a public endpoint refuses a token that does not verify.
        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ErrorBody), ["application/json"]));
        if (access != Access.Public)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ErrorBody), ["application/json"]));
            builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(ErrorBody), ["application/json"]));
        }
        return builder;
    }

    /// <summary>The token's <c>sub</c>, or null when auth is disabled or no token was sent.</summary>
    public static string? CallerId(this HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst("sub")?.Value : null;
}
