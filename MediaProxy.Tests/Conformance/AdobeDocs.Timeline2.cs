namespace MediaProxy.Tests.Conformance;

/// <summary>help/implementation/media-collection-api/mc-api-timelines/mc-api-timeline-2.md at <see cref="AdobeDocs.Commit"/>.</summary>
internal static partial class AdobeDocs
{
    /// <summary>User abandons session (pre-roll and mid-roll ads, an error): ends with sessionEnd.</summary>
    public static readonly DocPayload[] Timeline2 =
    [
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-1", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"sessionStart","params":{"media.playerName":"sample-html5-api-player","analytics.trackingServer":"[ _YOUR-TS_ ]","analytics.reportSuite":"[ _YOUR-RSID_ ]","analytics.visitorId":"[ _YOUR-VISITOR-ID_ ]","media.contentType":"VOD","media.length":60.3333333333333,"media.id":"VA API Sample Player","visitor.marketingCloudOrgId":"[YOUR-MCID]","media.name":"ClickMe","media.channel":"sample-channel","media.sdkVersion":"va-api-0.0.0","analytics.enableSSL":false}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-3", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"adBreakStart","params":{"media.ad.podFriendlyName":"ad_pod1","media.ad.podIndex":0,"media.ad.podSecond":0}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-4", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"adStart","params":{"media.ad.podFriendlyName":"ad_pod1","media.ad.name":"Ad 1","media.ad.id":"002","media.ad.length":7,"media.ad.podPosition":1,"media.ad.playerName":"Sample Player","media.ad.advertiser":"Ad Guys","media.ad.campaignId":"1","media.ad.creativeId":"42","media.ad.siteId":"XYZ","media.ad.creativeURL":"https://xyz-creative.com","media.ad.placementId":"sample-placement2"}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-5", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"ping"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-6", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"adComplete"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-7", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"adBreakComplete"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-8", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"play","qoeData":{"bitrate":10000}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-9", """{"playerTime":{"playhead":8,"ts":"<timestamp>"},"eventType":"ping"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-10", """{"playerTime":{"playhead":18,"ts":"<timestamp>"},"eventType":"ping"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-11", """{"playerTime":{"playhead":20,"ts":"<timestamp>"},"eventType":"error"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-12", """{"playerTime":{"playhead":18,"ts":"<timestamp>"},"eventType":"play","qoeData":{"bitrate":10000}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-13", """{"playerTime":{"playhead":28,"ts":"<timestamp>"},"eventType":"ping"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-14", """{"playerTime":{"playhead":33,"ts":"<timestamp>"},"eventType":"adBreakStart","params":{"media.ad.podFriendlyName":"ad_pod2","media.ad.podIndex":1,"media.ad.podSecond":33}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-15", """{"playerTime":{"playhead":33,"ts":"<timestamp>"},"eventType":"adStart","params":{"media.ad.podFriendlyName":"ad_pod1","media.ad.name":"Ad 1","media.ad.id":"002","media.ad.length":8,"media.ad.podPosition":1,"media.ad.playerName":"Sample Player","media.ad.advertiser":"Ad Guys","media.ad.campaignId":"7","media.ad.creativeId":"40","media.ad.siteId":"XYZ","media.ad.creativeURL":"https://example.com","media.ad.placementId":"sample_placement2"}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-2.md#Action-16", """{"playerTime":{"playhead":33,"ts":"<timestamp>"},"eventType":"sessionEnd"}"""),
    ];
}
