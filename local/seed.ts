import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Temporal } from 'temporal-polyfill';
import type { Services } from '../shared/platform/services';
import { keys } from '../shared/platform/keys';
import { londonDate } from '../shared/platform/london';
import { newActivity, newProvider, newVenue } from '../shared/registry/rules';
import type { CreateActivityInput, CreateProviderInput } from '../shared/registry/schema';

type DemoActivity = Omit<CreateActivityInput, 'venueId'>;

interface DemoProvider {
  provider: Omit<CreateProviderInput, 'accreditation'> & { accreditation: { status: 'accredited' | 'suspended' | 'lapsed'; validForDays: number } };
  venues: { name: string; postcode: string; activities: DemoActivity[] }[];
}

/** A small scheme in the shape of Luton's: providers in all five areas, one suspended and one lapsed. */
export const DEMO_PROVIDERS: DemoProvider[] = [
  {
    provider: { name: 'Wardown Walkers', categories: ['physical'], accreditation: { status: 'accredited', validForDays: 365 } },
    venues: [
      {
        name: 'Wardown Park Pavilion',
        postcode: 'LU2 7HA',
        activities: [
          { name: 'Health walk (gentle, 45 minutes)', category: 'physical', capacity: 25, schedule: [{ day: 'tuesday', startTime: '10:00', endTime: '11:00' }] },
          { name: 'Nordic walking for beginners', category: 'physical', capacity: 12, schedule: [{ day: 'thursday', startTime: '10:00', endTime: '11:30' }] },
        ],
      },
    ],
  },
  {
    provider: { name: 'Marsh Farm Community Café', categories: ['social', 'volunteering'], accreditation: { status: 'accredited', validForDays: 300 } },
    venues: [
      {
        name: 'Futures House',
        postcode: 'LU3 3QB',
        activities: [
          { name: 'Friday lunch club', category: 'social', capacity: 30, schedule: [{ day: 'friday', startTime: '12:00', endTime: '14:00' }] },
          { name: 'Café volunteering', category: 'volunteering', capacity: 6, schedule: [{ day: 'wednesday', startTime: '09:30', endTime: '13:00' }] },
        ],
      },
    ],
  },
  {
    provider: { name: 'Lea Valley Mind', categories: ['wellbeing', 'social'], accreditation: { status: 'accredited', validForDays: 200 } },
    venues: [
      {
        name: 'Wellbeing Centre, George Street',
        postcode: 'LU1 2AF',
        activities: [
          { name: 'Mindfulness for beginners', category: 'wellbeing', capacity: 15, schedule: [{ day: 'monday', startTime: '18:00', endTime: '19:30' }] },
          { name: 'Art for wellbeing', category: 'wellbeing', capacity: 12, schedule: [{ day: 'wednesday', startTime: '14:00', endTime: '16:00' }] },
        ],
      },
      {
        name: 'Stopsley Community Hall',
        postcode: 'LU2 7UG',
        activities: [{ name: 'Men’s shed', category: 'social', capacity: 20, schedule: [{ day: 'saturday', startTime: '10:00', endTime: '13:00' }] }],
      },
    ],
  },
  {
    provider: { name: 'Town Centre Advice Hub', categories: ['advice'], accreditation: { status: 'accredited', validForDays: 400 } },
    venues: [
      {
        name: 'Central Library, Room 2',
        postcode: 'LU1 2NG',
        activities: [
          { name: 'Money and debt drop-in', category: 'advice', schedule: [{ day: 'tuesday', startTime: '13:00', endTime: '16:00' }] },
          { name: 'Housing and benefits advice', category: 'advice', schedule: [{ day: 'thursday', startTime: '09:30', endTime: '12:30' }] },
        ],
      },
    ],
  },
  {
    provider: { name: 'Stockwood Green Volunteers', categories: ['volunteering', 'physical'], accreditation: { status: 'accredited', validForDays: 250 } },
    venues: [
      {
        name: 'Stockwood Park Walled Garden',
        postcode: 'LU1 4BH',
        activities: [{ name: 'Conservation volunteering', category: 'volunteering', capacity: 15, schedule: [{ day: 'saturday', startTime: '10:00', endTime: '15:00' }] }],
      },
    ],
  },
  {
    provider: { name: 'Bury Park Boxing Club', categories: ['physical'], accreditation: { status: 'suspended', validForDays: 120 } },
    venues: [
      {
        name: 'Bury Park Gym',
        postcode: 'LU1 1HD',
        activities: [{ name: 'Boxing fitness', category: 'physical', capacity: 20, schedule: [{ day: 'monday', startTime: '19:00', endTime: '20:00' }] }],
      },
    ],
  },
  {
    provider: { name: 'Leagrave Singers', categories: ['social', 'wellbeing'], accreditation: { status: 'lapsed', validForDays: -30 } },
    venues: [
      {
        name: 'Leagrave Methodist Church Hall',
        postcode: 'LU4 9JG',
        activities: [{ name: 'Singing for the brain', category: 'wellbeing', capacity: 40, schedule: [{ day: 'friday', startTime: '10:30', endTime: '12:00' }] }],
      },
    ],
  },
];

/**
 * Loads the demo data once per data folder: a marker item records that it was loaded,
 * so restarting `npm start` neither duplicates it nor brings back what a person deleted.
 */
export async function seedDemo(services: Services): Promise<'seeded' | 'already-seeded'> {
  const { db, registry, clock, ids } = services;
  const marker = keys.seedMarker('demo');
  const existing = await db.client.send(new GetCommand({ TableName: db.tableName, Key: marker }));
  if (existing.Item) return 'already-seeded';

  const today = Temporal.PlainDate.from(londonDate(clock.now()));
  for (const demo of DEMO_PROVIDERS) {
    const { validForDays, status } = demo.provider.accreditation;
    const provider = newProvider(
      { ...demo.provider, accreditation: { status, validUntil: today.add({ days: validForDays }).toString() } },
      { clock, ids },
    );
    await registry.createProvider(provider);
    for (const demoVenue of demo.venues) {
      const venue = newVenue(provider.providerId, demoVenue, { clock, ids });
      await registry.createVenue(venue);
      for (const activity of demoVenue.activities) {
        await registry.createActivity(newActivity(provider.providerId, { ...activity, venueId: venue.venueId }, { clock, ids }));
      }
    }
  }
  await db.client.send(
    new PutCommand({ TableName: db.tableName, Item: { ...marker, type: 'seed', loadedAt: clock.now().toISOString() } }),
  );
  return 'seeded';
}
