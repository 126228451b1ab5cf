namespace MediaProxy.Tests.Conformance;

/// <summary>help/implementation/media-collection-api/mc-api-timelines/mc-api-timeline-3.md at <see cref="AdobeDocs.Commit"/>.</summary>
internal static partial class AdobeDocs
{
    /// <summary>Chapters (pre-roll and mid-roll ads, two chapters): ends with sessionComplete.</summary>
    public static readonly DocPayload[] Timeline3 =
    [
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-1", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"sessionStart","params":{"media.playerName":"sample-html5-api-player","analytics.trackingServer":"[ _YOUR-TS_ ]","analytics.reportSuite":"[ _YOUR_RSID_ ]","analytics.visitorId":"[ _YOUR_VISITOR_ID_ ]","media.contentType":"VOD","media.length":60.3333333333333,"media.id":"VA API Sample Player","visitor.marketingCloudOrgId":"[YOUR_MCID]","media.name":"ClickMe","media.channel":"sample-channel","media.sdkVersion":"va-api-0.0.0","analytics.enableSSL":false}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-3", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"adBreakStart","params":{"media.ad.podFriendlyName":"ad_pod1","media.ad.podIndex":0,"media.ad.podSecond":0}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-4", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"adStart","params":{"media.ad.podFriendlyName":"ad_pod1","media.ad.name":"Ad 1","media.ad.id":"001","media.ad.length":15,"media.ad.podPosition":1,"media.ad.playerName":"Sample Player","media.ad.advertiser":"Ad Guys","media.ad.campaignId":"1","media.ad.creativeId":"42","media.ad.siteId":"XYZ","media.ad.creativeURL":"https://example.com","media.ad.placementId":"sample_placement"},"customMetadata":{"myCustomData1":"CustomData1","myCustomData2":"CustomData2"}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-5", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"ping"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-6", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"adComplete"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-7", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"adStart","params":{"media.ad.podFriendlyName":"ad_pod1","media.ad.name":"Ad 2","media.ad.id":"002","media.ad.length":7,"media.ad.podPosition":1,"media.ad.playerName":"Sample Player","media.ad.advertiser":"Ad Guys","media.ad.campaignId":"2","media.ad.creativeId":"44","media.ad.siteId":"XYZ","media.ad.creativeURL":"https://example.com","media.ad.placementId":"sample_placement2"}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-8", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"ping"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-9", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"adComplete"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-10", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"adBreakComplete"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-11", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"play"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-12", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"chapterStart","params":{"media.chapter.index":1,"media.chapter.offset":0,"media.chapter.length":20,"media.chapter.friendlyName":"Chapter Uno"}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-13", """{"playerTime":{"playhead":8,"ts":"<timestamp>"},"eventType":"ping"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-14", """{"playerTime":{"playhead":11,"ts":"<timestamp>"},"eventType":"bufferStart"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-15", """{"playerTime":{"playhead":11,"ts":"<timestamp>"},"eventType":"play"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-16", """{"playerTime":{"playhead":15,"ts":"<timestamp>"},"eventType":"ping"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-17", """{"playerTime":{"playhead":20,"ts":"<timestamp>"},"eventType":"chapterComplete"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-18", """{"playerTime":{"playhead":21,"ts":"<timestamp>"},"eventType":"adBreakStart","params":{"media.ad.podFriendlyName":"ad_pod2","media.ad.podIndex":1,"media.ad.podSecond":21}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-19", """{"playerTime":{"playhead":21,"ts":"<timestamp>"},"eventType":"adStart","params":{"media.ad.podFriendlyName":"ad_pod2","media.ad.name":"Ad 3","media.ad.id":"003","media.ad.length":8,"media.ad.podPosition":2,"media.ad.playerName":"Sample Player","media.ad.advertiser":"Ad Guys","media.ad.campaignId":"7","media.ad.creativeId":"40","media.ad.siteId":"XYZ","media.ad.creativeURL":"https://example.com","media.ad.placementId":"sample_placement2"}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-20", """{"playerTime":{"playhead":21,"ts":"<timestamp>"},"eventType":"ping"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-21", """{"playerTime":{"playhead":21,"ts":"<timestamp>"},"eventType":"adComplete"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-22", """{"playerTime":{"playhead":21,"ts":"<timestamp>"},"eventType":"adBreakComplete"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-23", """{"playerTime":{"playhead":22,"ts":"<timestamp>"},"eventType":"chapterStart","params":{"media.chapter.index":2,"media.chapter.offset":22,"media.chapter.length":22,"media.chapter.friendlyName":"Chapter Dos"}}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-24", """{"playerTime":{"playhead":27,"ts":"<timestamp>"},"eventType":"ping"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-25", """{"playerTime":{"playhead":31,"ts":"<timestamp>"},"eventType":"pauseStart"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-26", """{"playerTime":{"playhead":31,"ts":"<timestamp>"},"eventType":"ping"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-27", """{"playerTime":{"playhead":31,"ts":"<timestamp>"},"eventType":"play"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-28", """{"playerTime":{"playhead":37,"ts":"<timestamp>"},"eventType":"ping"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-29", """{"playerTime":{"playhead":0,"ts":"<timestamp>"},"eventType":"chapterComplete"}"""),
        new("media-collection-api/mc-api-timelines/mc-api-timeline-3.md#Action-30", """{"playerTime":{"playhead":45,"ts":"<timestamp>"},"eventType":"sessionComplete"}"""),
    ];
}
