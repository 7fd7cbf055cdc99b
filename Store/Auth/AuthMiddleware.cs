using Microsoft.Net.Http.Headers;
using Store.Http;

namespace Store.Auth;

/// <summary>
/// The one place where access is enforced. Runs after routing, reads the endpoint's
/// <see cref="AccessMetadata"/>, verifies a sent token and applies <see cref="AccessPolicy"/>.
/// An endpoint that declares no rule is refused in every mode: forgetting a declaration must never
/// open an endpoint.
/// </summary>
public sealed class AuthMiddleware(
    RequestDelegate next, AuthOptions options, PublicKeyFile keys, TokenVerifier verifier, ReadAuthSwitch readAuth,
    ILogger<AuthMiddleware> log)
{
    public const string NotAuthenticated = "Not authenticated";
    public const string NotEnoughPermissions = "Not enough permissions";

    public async Task InvokeAsync(HttpContext context)
    {
        // No endpoint means routing found nothing (a 404 follows); a plain Endpoint is the framework's
        // own 405 answer for a path that exists under another method. Neither runs any of our code.
        if (context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            await next(context);
            return;
        }
        if (endpoint.Metadata.GetMetadata<AccessMetadata>() is not { } rule)
        {
            log.LogError("Endpoint {Endpoint} declares no access rule; refusing it", endpoint.DisplayName);
            await Errors.Detail(StatusCodes.Status500InternalServerError, "This endpoint declares no access rule").ExecuteAsync(context);
            return;
        }
        if (options.AuthDisabled)
        {
            await next(context);
            return;
        }

        var ct = context.RequestAborted;
        var readAuthOn = rule.Access == Access.EntityRead && await readAuth.EnabledAsync(ct);
        var needsToken = AccessPolicy.NeedsToken(rule.Access, readAuthOn);
        Caller? caller = null;
        if (BearerToken(context.Request) is { } token)
        {
            var key = keys.Current();
            if (key.Key is null && needsToken)
            {
                await Errors.Detail(StatusCodes.Status503ServiceUnavailable, key.Problem!).ExecuteAsync(context);
                return;
            }
            // With the key missing, a request that needs no token is still served, as if none was sent:
            // public reads keep working until the key is in place.
            if (key.Key is not null)
            {
                var verdict = await verifier.VerifyAsync(token, key.Key);
                if (verdict.Caller is null)
                {
                    log.LogInformation("Refused a token for {Endpoint}: {Problem}", endpoint.DisplayName, verdict.Problem);
                    await Unauthorized(context, $"Could not validate credentials: {verdict.Problem}");
                    return;
                }
                caller = verdict.Caller;
                context.User = caller.ToPrincipal();
            }
        }

        switch (AccessPolicy.Decide(rule.Access, readAuthOn, caller))
        {
            case Decision.Allow:
                await next(context);
                break;
            case Decision.NotAuthenticated:
                await Unauthorized(context, NotAuthenticated);
                break;
            default:
                await Errors.Detail(StatusCodes.Status403Forbidden, NotEnoughPermissions).ExecuteAsync(context);
                break;
        }
    }

    /// <summary>
    /// The token of an <c>Authorization: Bearer</c> header ("" when the header names Bearer but holds
    /// nothing, which then fails verification); null when no bearer credentials were sent.
    /// </summary>
    static string? BearerToken(HttpRequest request)
    {
        var values = request.Headers.Authorization;
        if (values.Count == 0) return null;
        // Two Authorization headers are ambiguous; refuse rather than pick one.
        if (values.Count > 1) return "";
        var header = values[0] ?? "";
        const string scheme = "Bearer";
        if (header.Length < scheme.Length || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        if (header.Length > scheme.Length && header[scheme.Length] != ' ') return null;
        return header[scheme.Length..].Trim();
    }

    static Task Unauthorized(HttpContext context, string detail)
    {
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return Errors.Detail(StatusCodes.Status401Unauthorized, detail).ExecuteAsync(context);
    }
}
