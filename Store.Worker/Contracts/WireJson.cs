using System.Text.Json;

namespace Store.Contracts;

/// <summary>The JSON of the compute wire: snake_case, as everywhere on the store's API.</summary>
public static class WireJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
