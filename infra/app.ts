import { createWaymarkApp } from './waymark-app';

// Run by the CDK CLI (cdk.json: "app"); the App synthesizes itself when the process ends.
createWaymarkApp();
