using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace Store.Media;

/// <summary>
/// The one resize path of the service: entity previews and the <c>image_thumbnail</c> job task both shrink
/// a picture so that its long edge is at most a given size, aspect kept, never enlarged.
/// </summary>
public static class Thumbnail
{
    /// <summary>The size fitting <paramref name="source"/> within a square of <paramref name="longEdge"/>; the source itself when it already fits.</summary>
    public static Size Fit(Size source, int longEdge)
    {
        var longest = Math.Max(source.Width, source.Height);
        if (longest <= longEdge) return source;
        var scale = (double)longEdge / longest;
        return new Size(Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)));
    }

    /// <summary>
    /// Adds the shrink to a processing pipeline (nothing when the picture already fits). Past a factor of 2 an
    /// area average (box) is as good as bicubic for a small picture and costs half: it is what keeps a preview
    /// made at upload cheap. Closer to the original size bicubic keeps edges crisp.
    /// </summary>
    public static IImageProcessingContext Shrink(this IImageProcessingContext context, int longEdge)
    {
        var source = context.GetCurrentSize();
        var target = Fit(source, longEdge);
        if (target == source) return context;
        var factor = (double)Math.Max(source.Width, source.Height) / Math.Max(target.Width, target.Height);
        return context.Resize(target, factor > 2 ? KnownResamplers.Box : KnownResamplers.Bicubic, compand: false);
    }
}
