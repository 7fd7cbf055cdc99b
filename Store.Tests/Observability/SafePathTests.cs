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
}
