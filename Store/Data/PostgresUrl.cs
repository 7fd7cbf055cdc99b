using System.Data.Common;
using Store.Hosting;

namespace Store.Data;

/// <summary>
/// DATABASE_URL in its postgres:// (or postgresql://) form as an Npgsql connection string:
/// <c>postgres://user:password@host:port/database?sslmode=require</c>. Built with the framework's own connection-string
/// builder (quoting included), so reading the setting loads nothing of Npgsql.
/// </summary>
static class PostgresUrl
{
    public static bool IsPostgres(string? url) =>
        url is not null && (url.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase));

    static readonly Dictionary<string, string> SslModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["disable"] = "Disable", ["allow"] = "Allow", ["prefer"] = "Prefer", ["require"] = "Require",
        ["verify-ca"] = "VerifyCA", ["verify-full"] = "VerifyFull",
    };

    public static string ConnectionString(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new SettingsException("DATABASE_URL must look like postgres://user:password@host:5432/database, not a URL without a host.");
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/'))
            throw new SettingsException("DATABASE_URL must name one database after the host: postgres://user:password@host:5432/database.");
        var builder = new DbConnectionStringBuilder
        {
            ["Host"] = uri.Host,
            ["Port"] = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            ["Database"] = database,
        };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0) builder["Username"] = Uri.UnescapeDataString(user[0]);
        if (user.Length > 1) builder["Password"] = Uri.UnescapeDataString(user[1]);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) is [var k, var v] ? (Uri.UnescapeDataString(k), Uri.UnescapeDataString(v)) : (pair, "");
            if (!key.Equals("sslmode", StringComparison.OrdinalIgnoreCase))
                throw new SettingsException($"DATABASE_URL takes only sslmode in its query, not '{key}'.");
            builder["SSL Mode"] = SslModes.TryGetValue(value, out var mode)
                ? mode
                : throw new SettingsException($"DATABASE_URL's sslmode must be one of {string.Join(", ", SslModes.Keys)}, not '{value}'.");
        }
        return builder.ConnectionString;
    }

    /// <summary>The server and database, for the start-up lines: never the password.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string Part(string key) => builder.TryGetValue(key, out var value) ? value?.ToString() ?? "" : "";
        return $"PostgreSQL {Part("Database")} on {Part("Host")}:{Part("Port")}";
    }
}
