"""The two versions of stations.csv from diff.md section 0.1, shared by the diff and track tests."""

STATIONS_V1 = (
    "station_id,name,docks,district,zone\n"
    "S01,Harbour Gate,12,North,A\n"
    "S02,Mill Lane,8,North,A\n"
    "S03,Quarry Road,15,East,B\n"
    "S04,Tannery Yard,10,West,B\n"
)
STATIONS_V2 = (
    "station_id,name,docks,district,operator\n"
    "S01,Harbour Gate,16,Harbour,CityBikes\n"
    "S03,Quarry Road,15,East,CityBikes\n"
    "S04,Tannery Yard,14,West,Pedal Co\n"
    'S05,"Ropewalk, Upper",6,,CityBikes\n'
)
