using System.Text;
using CsCheck;
using Microsoft.AspNetCore.Http;
using Store.Observability;

namespace Store.Tests.Observability;

/// <summary>The request line's path: secret query values masked, every other query written as it came.</summary>
public sealed class SafePathTests
{
    static string Safe(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/entities";
        context.Request.QueryString = new QueryString(query);
        return RequestLog.SafePath(context.Request);
    }

    [Theory]
    [InlineData("", "/entities")]
    [InlineData("?", "/entities")]
    [InlineData("?page=1&page_size=20", "/entities?page=1&page_size=20")]
    [InlineData("?search_query=beach%20sunset&order_by=label", "/entities?search_query=beach%20sunset&order_by=label")]
    [InlineData("?flag&&page=2", "/entities?flag&&page=2")]
    [InlineData("?token", "/entities?token")]
    [InlineData("?access_token=abc&page=1", "/entities?access_token=***&page=1")]
    [InlineData("?Access_TOKEN=abc", "/entities?Access_TOKEN=***")]
    [InlineData("?api_key=k&&page=1", "/entities?api_key=***&page=1")]
    [InlineData("?%74oken=abc", "/entities?%74oken=***")]
    [InlineData("?my+password=abc", "/entities?my+password=***")]
    [InlineData("?search_query=token", "/entities?search_query=token")]
    // The Kelvin sign folds to k under the invariant lower case the masking uses.
    [InlineData("?api_\u212Aey=abc", "/entities?api_\u212Aey=***")]
    [InlineData("?clé=1", "/entities?clé=1")]
    public void Masks_secret_values_and_leaves_the_rest(string query, string expected) => Assert.Equal(expected, Safe(query));

    /// <summary>The masking rule as it was before the query was written as it came (9bb8c84).</summary>
    static string OldRule(string raw)
    {
        var query = new StringBuilder();
        foreach (var pair in raw.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair[..equals];
            query.Append(query.Length == 0 ? '?' : '&').Append(key);
            if (equals < 0) continue;
            var lower = Uri.UnescapeDataString(key).ToLowerInvariant();
            query.Append('=').Append(new[] { "token", "key", "secret", "pass", "auth", "sig", "jwt", "credential", "session", "code" }.Any(lower.Contains) ? "***" : pair[(equals + 1)..]);
        }
        return "/entities" + query;
    }

    static readonly string[] KeyPieces = ["token", "TOKEN", "Key", "pa%73s", "%50ASS", "api", "_", "x", "clé", "\u212A", "ey", "+", "%2B", "sig", "page", "q", "%", "%zz", "AUTH", "ses", "sion", "cod", "e"];
    static readonly string[] Values = ["", "1", "abc", "%20", "a%3Db", "***"];

    [Fact]
    public void Masks_exactly_what_the_old_rule_masked()
    {
        var key = Gen.Int[0, KeyPieces.Length - 1].Array[1, 4].Select(ix => string.Concat(ix.Select(i => KeyPieces[i])));
        var pair = Gen.Select(key, Gen.Int[-1, Values.Length - 1]).Select((k, v) => v < 0 ? k : $"{k}={Values[v]}");
        pair.Array[1, 5].Sample(pairs =>
        {
            var raw = "?" + string.Join('&', pairs);
            Assert.Equal(OldRule(raw), Safe(raw));
        }, iter: 5000);
    }
}
