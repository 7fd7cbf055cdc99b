using System.Security.Claims;

namespace Store.Auth;

/// <summary>Who sent a verified token: its <c>sub</c>, its permissions and whether it is an admin.</summary>
public sealed record Caller(string Sub, IReadOnlyList<string> Permissions, bool IsAdmin)
{
    public const string Read = "media_store_read";
    public const string Write = "media_store_write";
    public const string Inference = "ai_inference_support";
    public const string AdminPermission = "admin";

    /// <summary>The seed's two ways of naming an admin: the <c>is_admin</c> claim or <c>admin</c> among the permissions.</summary>
    public bool IsAnAdmin => IsAdmin || Has(AdminPermission);

    public bool Has(string permission) => Permissions.Contains(permission, StringComparer.Ordinal);

    /// <summary>Only <c>sub</c> is carried: access is decided from the Caller itself, and CallerId reads nothing else.</summary>
    public ClaimsPrincipal ToPrincipal() =>
        new(new ClaimsIdentity([new Claim("sub", Sub)], "Bearer", "sub", null));
}
