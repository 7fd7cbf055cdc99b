using System.Text.Json;

namespace Store.Http;

/// <summary>
/// JsonDocument accepts a string holding a lone surrogate (<c>"\ud800"</c>) or bytes that are not UTF-8, and only
/// reading that string throws, deep in a handler. Walking the document once right after parsing turns such a body
/// into the client's mistake it is.
/// </summary>
public static class JsonText
{
    public static bool HasOnlyValidStrings(JsonElement element)
    {
        try
        {
            Walk(element);
            return true;
        }
        catch (InvalidOperationException) { return false; }
    }

    static void Walk(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Walk(item);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    Walk(property.Value);
                }
                break;
        }
    }
}
