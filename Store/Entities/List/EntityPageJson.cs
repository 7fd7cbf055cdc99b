using System.Text.Json;
using Store.Entities.Shared;

namespace Store.Entities.List;

/// <summary>A page as the app's JSON options write <see cref="EntityPage"/>, its items by <see cref="EntityJson"/>.</summary>
static class EntityPageJson
{
    static readonly JsonEncodedText Items = JsonEncodedText.Encode("items");
    static readonly JsonEncodedText PaginationName = JsonEncodedText.Encode("pagination");
    static readonly JsonEncodedText Page = JsonEncodedText.Encode("page");
    static readonly JsonEncodedText PageSize = JsonEncodedText.Encode("page_size");
    static readonly JsonEncodedText TotalItems = JsonEncodedText.Encode("total_items");
    static readonly JsonEncodedText TotalPages = JsonEncodedText.Encode("total_pages");
    static readonly JsonEncodedText HasNext = JsonEncodedText.Encode("has_next");
    static readonly JsonEncodedText HasPrev = JsonEncodedText.Encode("has_prev");

    public static readonly Action<Utf8JsonWriter, EntityPage> Write = (w, page) =>
    {
        w.WriteStartObject();
        if (page.Rows is { } rows)
        {
            // Rows are written compact, with the encoder they were given: the app's (EntityRowsJsonTests).
            if (w.Options.Indented || !ReferenceEquals(w.Options.Encoder, rows.Encoder))
                throw new InvalidOperationException("The page's rows were written for other JSON options than the writer's");
            w.WritePropertyName(Items);
            w.WriteRawValue(rows.Json, skipInputValidation: true);
            rows.Dispose();
        }
        else
        {
            w.WriteStartArray(Items);
            foreach (var item in page.Items) EntityJson.Write(w, item);
            w.WriteEndArray();
        }
        var p = page.Pagination;
        w.WriteStartObject(PaginationName);
        w.WriteNumber(Page, p.Page);
        w.WriteNumber(PageSize, p.PageSize);
        w.WriteNumber(TotalItems, p.TotalItems);
        w.WriteNumber(TotalPages, p.TotalPages);
        w.WriteBoolean(HasNext, p.HasNext);
        w.WriteBoolean(HasPrev, p.HasPrev);
        w.WriteEndObject();
        w.WriteEndObject();
    };
}
