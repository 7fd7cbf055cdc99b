using System.Net;
using System.Text.Json;

namespace Store.Tests.Infrastructure;

/// <summary>Assertions on the contract's response shapes.</summary>
public static class Expect
{
    public static async Task<JsonElement> StatusAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary><c>{"detail": "text"}</c> with the given status; returns the text.</summary>
    public static async Task<string> DetailAsync(HttpResponseMessage response, HttpStatusCode status, string? contains = null)
    {
        var body = await StatusAsync(response, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Single(body.EnumerateObject());
        var detail = body.GetProperty("detail");
        Assert.Equal(JsonValueKind.String, detail.ValueKind);
        var text = detail.GetString()!;
        if (contains is not null) Assert.Contains(contains, text);
        return text;
    }

    /// <summary>The 422 list form; asserts one item names <paramref name="loc"/> (e.g. "body", "is_collection").</summary>
    public static async Task<JsonElement> ValidationAsync(HttpResponseMessage response, params string[] loc)
    {
        var body = await StatusAsync(response, HttpStatusCode.UnprocessableEntity);
        var items = body.GetProperty("detail");
        Assert.Equal(JsonValueKind.Array, items.ValueKind);
        Assert.NotEmpty(items.EnumerateArray());
        foreach (var item in items.EnumerateArray())
        {
            Assert.Equal(JsonValueKind.Array, item.GetProperty("loc").ValueKind);
            Assert.Equal(JsonValueKind.String, item.GetProperty("msg").ValueKind);
            Assert.Equal(JsonValueKind.String, item.GetProperty("type").ValueKind);
        }
        if (loc.Length > 0)
            Assert.Contains(items.EnumerateArray(), item =>
                item.GetProperty("loc").EnumerateArray().Select(l => l.ToString()).SequenceEqual(loc));
        return items;
    }

    /// <summary>The 422 list form with exactly one item, of this type at exactly this loc; returns its msg.</summary>
    public static async Task<string> ShapeErrorAsync(HttpResponseMessage response, string type, params string[] loc)
    {
        var items = await ValidationAsync(response);
        var item = Assert.Single(items.EnumerateArray());
        Assert.Equal(type, item.GetProperty("type").GetString());
        Assert.Equal(loc, item.GetProperty("loc").EnumerateArray().Select(l => l.ToString()).ToArray());
        return item.GetProperty("msg").GetString()!;
    }
}
