using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Store.Auth;

/// <summary>A token's verdict: the caller it names, or why it was refused.</summary>
public sealed record Verification(Caller? Caller, string? Problem);

/// <summary>
/// Verifies the CL auth service's tokens: ES256 only, signed by the key at PUBLIC_KEY_PATH, with
/// <c>sub</c> (or <c>id</c>) and <c>exp</c>; <c>permissions</c> must be a list of strings and <c>is_admin</c> a
/// boolean when present. Header hints (<c>kid</c>, <c>jku</c>, <c>jwk</c>, <c>x5u</c>) are never
/// followed: the one configured key is the only key there is.
/// </summary>
public sealed class TokenVerifier
{
    /// <summary>How far the auth service's clock and ours may disagree on exp and nbf (stated in the README).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<Verification> VerifyAsync(string token, SecurityKey key)
    {
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,
            // The CL auth service sets neither issuer nor audience the store could check against.
            ValidateIssuer = false,
            ValidateAudience = false,
            TryAllIssuerSigningKeys = true,
        };
        // Checked here as well as by the library: whatever the library's defaults become, only ES256 passes.
        if (HeaderAlgorithm(token) is not { } algorithm) return Refused("the token is malformed");
        if (algorithm != SecurityAlgorithms.EcdsaSha256) return Refused("only ES256 tokens are accepted");

        TokenValidationResult result;
        try { result = await _handler.ValidateTokenAsync(token, parameters); }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or JsonException or FormatException)
        {
            return Refused("the token is malformed");
        }
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt) return Refused(Reason(result.Exception));
        return ReadClaims(jwt);
    }

    static string? HeaderAlgorithm(string token)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0) return null;
        try
        {
            using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token[..dot]));
            return header.RootElement.ValueKind == JsonValueKind.Object
                && header.RootElement.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String
                ? alg.GetString() ?? ""
                : "";
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    static string Reason(Exception? e) => e switch
    {
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet",
        SecurityTokenNoExpirationException => "the token has no exp claim",
        SecurityTokenInvalidAlgorithmException => "only ES256 tokens are accepted",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "the signature does not verify",
        SecurityTokenInvalidLifetimeException => "the token's lifetime is invalid",
        _ => "the token is malformed",
    };

    /// <summary>Reads the payload's own JSON so that a claim of the wrong type is refused, not coerced.</summary>
    static Verification ReadClaims(JsonWebToken jwt)
    {
        JsonElement payload;
        try
        {
            using var doc = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
            payload = doc.RootElement.Clone();
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            return Refused("the token's payload is not JSON");
        }
        if (payload.ValueKind != JsonValueKind.Object) return Refused("the token's payload is not a JSON object");

        if (Subject(payload) is not { } subject) return Refused("the token has no sub claim (nor an id claim)");
        if (!payload.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number)
            return Refused("the token has no numeric exp claim");

        var permissions = new List<string>();
        if (payload.TryGetProperty("permissions", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array) return Refused("the permissions claim must be a list of strings");
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) return Refused("the permissions claim must be a list of strings");
                permissions.Add(item.GetString()!);
            }
        }
        var isAdmin = false;
        if (payload.TryGetProperty("is_admin", out var admin))
        {
            if (admin.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return Refused("the is_admin claim must be a boolean");
            isAdmin = admin.GetBoolean();
        }
        return new Verification(new Caller(subject, permissions, isAdmin), null);
    }

    /// <summary>
    /// The caller: <c>sub</c>, or, from the CL auth service of today (which sends no <c>sub</c>), its string
    /// <c>id</c> claim (contract section 8). A <c>sub</c> that is present but not a non-empty string is refused
    /// rather than passed over for <c>id</c>: a broken claim must not be papered over by another one.
    /// </summary>
    static string? Subject(JsonElement payload)
    {
        if (payload.TryGetProperty("sub", out var sub)) return NonEmptyString(sub);
        return payload.TryGetProperty("id", out var id) ? NonEmptyString(id) : null;
    }

    static string? NonEmptyString(JsonElement claim) =>
        claim.ValueKind == JsonValueKind.String && claim.GetString() is { Length: > 0 } text ? text : null;

    static Verification Refused(string why) => new(null, why);
}
